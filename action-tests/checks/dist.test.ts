import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleAction } from '../../scripts/bundle';
import { ACTIONS, makeTempDir, repoRoot } from '../harness/paths';

// Bundling all five takes a while on two cores.
jest.setTimeout(300_000);

/** Every file below `dir`, as paths relative to it. */
const filesIn = (dir: string): string[] =>
  fs.existsSync(dir)
    ? (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
        .sort()
    : [];

describe('dist/ is the bundle of the current source (run `npm run bundle` and commit dist/)', () => {
  const fresh = makeTempDir('dist-check');
  afterAll(() => fs.rmSync(fresh, { recursive: true, force: true }));

  test.each(ACTIONS)('%s', (action) => {
    bundleAction(action, fresh);
    const committedDir = path.join(repoRoot, 'dist', action);
    const freshDir = path.join(fresh, action);
    // Every file ncc writes (entry, lazily loaded chunks, maps, licenses), and nothing else.
    expect(filesIn(committedDir)).toEqual(filesIn(freshDir));
    const differing = filesIn(freshDir).filter(
      (file) =>
        !fs.readFileSync(path.join(committedDir, file)).equals(fs.readFileSync(path.join(freshDir, file))),
    );
    expect(differing).toEqual([]);
    // The entry point every run loads stays small; lazily loaded chunks are reported by `npm run bench`.
    expect(fs.statSync(path.join(committedDir, 'index.js')).size).toBeLessThanOrEqual(1.5 * 1024 * 1024);
  });
});
