import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleAction } from '../../scripts/bundle';
import { ACTIONS, makeTempDir, repoRoot } from '../harness/paths';

// Bundling all five takes a while on two cores.
jest.setTimeout(300_000);

describe('dist/ is the bundle of the current source (run `npm run bundle` and commit dist/)', () => {
  const fresh = makeTempDir('dist-check');
  afterAll(() => fs.rmSync(fresh, { recursive: true, force: true }));

  test.each(ACTIONS)('%s', (action) => {
    bundleAction(action, fresh);
    for (const file of ['index.js', 'licenses.txt', 'package.json']) {
      const committed = path.join(repoRoot, 'dist', action, file);
      expect(fs.existsSync(committed)).toBe(true);
      const same = fs.readFileSync(committed).equals(fs.readFileSync(path.join(fresh, action, file)));
      expect([`dist/${action}/${file}`, same ? 'matches' : 'differs']).toEqual([
        `dist/${action}/${file}`,
        'matches',
      ]);
    }
    const size = fs.statSync(path.join(repoRoot, 'dist', action, 'index.js')).size;
    expect(size).toBeLessThanOrEqual(1.5 * 1024 * 1024);
  });
});
