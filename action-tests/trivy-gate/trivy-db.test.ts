import * as fs from 'node:fs';
import * as path from 'node:path';
import { MemoryLogger, type Exec } from '@alt-las/action-kit';
import { actionsCacheOffered, prepareDb, ScannerError, type DbCache } from '@alt-las/scan';
import { makeTempDir } from '../harness/paths';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const clock = { now: () => NOW, sleep: async () => undefined };
const HOUR = 3_600_000;

let cacheDir: string;
beforeEach(() => {
  cacheDir = makeTempDir('trivy-db');
});
afterEach(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

function writeMetadata(downloadedAt: number): void {
  fs.mkdirSync(path.join(cacheDir, 'db'), { recursive: true });
  fs.writeFileSync(
    path.join(cacheDir, 'db', 'metadata.json'),
    JSON.stringify({ Version: 2, DownloadedAt: new Date(downloadedAt).toISOString() }),
  );
}

/** A trivy that answers per repository: `ok` downloads, `rate` is rate limited, `down` fails. */
function fakeTrivy(behaviour: Record<string, 'ok' | 'rate' | 'down'>, calls: string[] = []): Exec {
  return async (_command, args) => {
    const repository = args[args.indexOf('--db-repository') + 1]!;
    calls.push(repository);
    expect(args).toEqual(expect.arrayContaining(['image', '--download-db-only', '--cache-dir', cacheDir]));
    if (behaviour[repository] === 'rate')
      return {
        exitCode: 1,
        stdout: '',
        stderr:
          'FATAL\tinit error: DB error: GET https://x/v2/y/manifests/2: TOOMANYREQUESTS: retry-after: 1.5s',
      };
    if (behaviour[repository] === 'down')
      return { exitCode: 1, stdout: '', stderr: 'FATAL\tconnection refused' };
    writeMetadata(NOW);
    return { exitCode: 0, stdout: '', stderr: '' };
  };
}

class FakeCache implements DbCache {
  restored: [string, string[]][] = [];
  saved: string[] = [];
  constructor(
    private readonly hit?: string,
    private readonly offered = true,
  ) {}
  available() {
    return this.offered;
  }
  async restore(_dir: string, key: string, restoreKeys: string[]) {
    this.restored.push([key, restoreKeys]);
    return this.hit;
  }
  async save(_dir: string, key: string) {
    this.saved.push(key);
  }
}

const base = (exec: Exec, extra: Partial<Parameters<typeof prepareDb>[0]> = {}) => ({
  trivy: '/opt/trivy',
  exec,
  cacheDir,
  repositories: ['mirror.example/trivy-db:2', 'ghcr.example/trivy-db:2'],
  maxAgeMs: 48 * HOUR,
  logger: new MemoryLogger(),
  clock,
  ...extra,
});

test('a rate-limited first repository falls back to the next one', async () => {
  const calls: string[] = [];
  const logger = new MemoryLogger();
  const outcome = await prepareDb(
    base(fakeTrivy({ 'mirror.example/trivy-db:2': 'rate', 'ghcr.example/trivy-db:2': 'ok' }, calls), {
      logger,
    }),
  );
  expect(calls).toEqual(['mirror.example/trivy-db:2', 'ghcr.example/trivy-db:2']);
  expect(outcome).toMatchObject({ source: 'downloaded', repository: 'ghcr.example/trivy-db:2' });
  expect(outcome.failures).toEqual([expect.stringMatching(/^mirror\.example\/trivy-db:2: rate limited: /)]);
  expect(logger.lines).toContain(
    'warning: Vulnerability DB download from mirror.example/trivy-db:2 failed (rate limited); trying the next repository',
  );
});

test('when every repository fails, a cached DB younger than max-db-age is used', async () => {
  writeMetadata(NOW - 30 * HOUR);
  const outcome = await prepareDb(
    base(fakeTrivy({ 'mirror.example/trivy-db:2': 'rate', 'ghcr.example/trivy-db:2': 'down' })),
  );
  expect(outcome.source).toBe('stale-cache');
  expect(outcome.downloadedAt?.getTime()).toBe(NOW - 30 * HOUR);
  expect(outcome.notes).toContain('every DB repository failed; using the cached DB downloaded 30.0h ago');
});

test.each([
  [
    'older than max-db-age',
    NOW - 49 * HOUR,
    /and the cached DB is 49\.0h old, older than max-db-age 48\.0h$/,
  ],
  ['absent', undefined, /and no cached DB is available$/],
])(
  'when every repository fails and the cached DB is %s, the scanner fails',
  async (_name, downloadedAt, message) => {
    if (downloadedAt !== undefined) writeMetadata(downloadedAt);
    const run = prepareDb(
      base(fakeTrivy({ 'mirror.example/trivy-db:2': 'rate', 'ghcr.example/trivy-db:2': 'rate' })),
    );
    await expect(run).rejects.toThrow(ScannerError);
    await expect(run).rejects.toThrow(
      /^scanner failed: the vulnerability DB could not be downloaded \(mirror\.example\/trivy-db:2: rate limited: .*; ghcr\.example\/trivy-db:2: rate limited: .*\)/,
    );
    await expect(run).rejects.toThrow(message);
  },
);

test("with the Actions cache: restore by day with a prefix fallback, save a fresh download under today's key", async () => {
  const cache = new FakeCache();
  await prepareDb(base(fakeTrivy({ 'mirror.example/trivy-db:2': 'ok' }), { cache }));
  expect(cache.restored).toEqual([['alt-las-trivy-db-2026-11-25', ['alt-las-trivy-db-']]]);
  expect(cache.saved).toEqual(['alt-las-trivy-db-2026-11-25']);
});

test('an exact cache hit that Trivy finds current is not saved again', async () => {
  writeMetadata(NOW - HOUR);
  const cache = new FakeCache('alt-las-trivy-db-2026-11-25');
  const upToDate: Exec = async () => ({ exitCode: 0, stdout: '', stderr: '' });
  const outcome = await prepareDb(base(upToDate, { cache }));
  expect(outcome.source).toBe('current');
  expect(cache.saved).toEqual([]);
});

test('without the cache service the run says so and goes on', async () => {
  const logger = new MemoryLogger();
  const cache = new FakeCache(undefined, false);
  const outcome = await prepareDb(base(fakeTrivy({ 'mirror.example/trivy-db:2': 'ok' }), { cache, logger }));
  expect(outcome.source).toBe('downloaded');
  expect(cache.restored).toEqual([]);
  expect(logger.lines).toContain(
    'the Actions cache is not available on this runner (no ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL); the DB is not cached across runs',
  );
});

test('the cache service is detected from the runner variables @actions/cache uses', () => {
  expect(actionsCacheOffered({})).toBe(false);
  expect(actionsCacheOffered({ ACTIONS_CACHE_URL: 'https://cache.example/' })).toBe(true);
  expect(actionsCacheOffered({ ACTIONS_RESULTS_URL: 'https://results.example/' })).toBe(false);
  expect(
    actionsCacheOffered({
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: 'https://results.example/',
    }),
  ).toBe(true);
  expect(
    actionsCacheOffered({ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_CACHE_URL: 'https://cache.example/' }),
  ).toBe(false);
});
