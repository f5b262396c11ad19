import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ChecksumError,
  MemoryLogger,
  checksumFor,
  installTool,
  type ToolCache,
  type ToolRelease,
} from '@alt-las/action-kit';
import { makeTempDir } from '../harness/paths';

/** A tool cache over a directory: "downloads" copy files named by the URL's last segment. */
function directoryCache(root: string, files: Record<string, string>, failures: Record<string, number> = {}) {
  const cacheRoot = path.join(root, 'cache');
  const log = { downloads: [] as string[], extracted: [] as string[] };
  const cache: ToolCache = {
    find: (name, version) => {
      const dir = path.join(cacheRoot, name, version);
      return fs.existsSync(dir) ? dir : '';
    },
    downloadTool: async (url) => {
      log.downloads.push(url);
      if ((failures[url] ?? 0) > 0) {
        failures[url]!--;
        throw new Error(`connection reset fetching ${url}`);
      }
      const name = url.split('/').pop()!;
      if (!(name in files)) throw new Error(`404 ${url}`);
      const target = path.join(root, `download-${log.downloads.length}`);
      fs.writeFileSync(target, files[name]!);
      return target;
    },
    extractTar: async (file) => {
      log.extracted.push(file);
      const dir = path.join(root, `extract-${log.extracted.length}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'tool'), fs.readFileSync(file));
      return dir;
    },
    extractZip: async () => {
      throw new Error('not used');
    },
    cacheDir: async (dir, name, version) => {
      const target = path.join(cacheRoot, name, version);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.cpSync(dir, target, { recursive: true });
      return target;
    },
  };
  return { cache, log };
}

const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const tarball = 'tool-binary-content';
const release: ToolRelease = {
  name: 'tool',
  version: '1.0.0',
  url: 'http://127.0.0.1:9/v1.0.0/tool_1.0.0.tar.gz',
  format: 'tar.gz',
  executable: 'tool',
  checksumsUrl: 'http://127.0.0.1:9/v1.0.0/tool_1.0.0_checksums.txt',
};

describe('installTool', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir('tool-installer')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('verifies against the checksums file and the pin, then extracts and caches', async () => {
    const { cache, log } = directoryCache(dir, {
      'tool_1.0.0.tar.gz': tarball,
      'tool_1.0.0_checksums.txt': `${sha('other')}  tool_1.0.0.zip\n${sha(tarball)}  tool_1.0.0.tar.gz\n`,
    });
    const installed = await installTool(
      { ...release, sha256: sha(tarball) },
      { cache, logger: new MemoryLogger() },
    );
    expect(installed.cached).toBe(false);
    expect(fs.readFileSync(installed.path, 'utf8')).toBe(tarball);
    expect(fs.statSync(installed.path).mode & 0o111).not.toBe(0);

    const again = await installTool(release, { cache, logger: new MemoryLogger() });
    expect(again).toEqual({ path: installed.path, cached: true });
    expect(log.downloads).toHaveLength(2);
  });

  test('a wrong checksum stops before anything is extracted', async () => {
    const { cache, log } = directoryCache(dir, {
      'tool_1.0.0.tar.gz': 'tampered',
      'tool_1.0.0_checksums.txt': `${sha(tarball)}  tool_1.0.0.tar.gz\n`,
    });
    const error = await installTool(release, { cache, logger: new MemoryLogger() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumError);
    expect((error as Error).message).toContain('the release checksums file says');
    expect(log.extracted).toHaveLength(0);
    expect(cache.find('tool', '1.0.0')).toBe('');
  });

  test('a pin that disagrees with a consistent release is still refused', async () => {
    const { cache, log } = directoryCache(dir, {
      'tool_1.0.0.tar.gz': tarball,
      'tool_1.0.0_checksums.txt': `${sha(tarball)}  tool_1.0.0.tar.gz\n`,
    });
    await expect(
      installTool({ ...release, sha256: sha('expected') }, { cache, logger: new MemoryLogger() }),
    ).rejects.toThrow('the pinned sha256 says');
    expect(log.extracted).toHaveLength(0);
  });

  test('refuses to install without anything to verify against', async () => {
    const { cache } = directoryCache(dir, { 'tool_1.0.0.tar.gz': tarball });
    await expect(
      installTool({ ...release, checksumsUrl: undefined }, { cache, logger: new MemoryLogger() }),
    ).rejects.toThrow('no sha256 pin and no checksums file');
  });

  test('retries a failed download', async () => {
    const { cache, log } = directoryCache(
      dir,
      { 'tool_1.0.0.tar.gz': tarball, 'tool_1.0.0_checksums.txt': `${sha(tarball)}  tool_1.0.0.tar.gz\n` },
      { [release.url]: 1 },
    );
    const logger = new MemoryLogger();
    await installTool(release, { cache, logger });
    expect(log.downloads.filter((url) => url === release.url)).toHaveLength(2);
    expect(logger.lines.some((line) => line.includes('connection reset'))).toBe(true);
  });
});

test('checksumFor reads sha256sum lines, with and without the binary marker', () => {
  const text = `${'a'.repeat(64)}  one.tar.gz\n${'B'.repeat(64)} *two.tar.gz\n`;
  expect(checksumFor(text, 'one.tar.gz')).toBe('a'.repeat(64));
  expect(checksumFor(text, 'two.tar.gz')).toBe('b'.repeat(64));
  expect(checksumFor(text, 'three.tar.gz')).toBeUndefined();
});
