import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeBuiltRelease } from './helpers';
import { startActionsCacheServer, type ActionsCacheServer } from './actions-cache-server';
import { errors, REPORTS, startScenario, warnings, type Scenario } from './scenario';

jest.setTimeout(180_000);

const MIRROR = 'mirror.gcr.io/aquasec/trivy-db:2';
const GHCR = 'ghcr.io/aquasecurity/trivy-db:2';

let scenario: Scenario;
let cacheService: ActionsCacheServer;
beforeAll(async () => {
  scenario = await startScenario();
  cacheService = await startActionsCacheServer();
});
afterAll(async () => {
  await scenario.stop();
  await cacheService.stop();
});

test('a rate-limited DB repository falls back to the next one', async () => {
  const { workspace, state } = scenario.fresh({ reports: REPORTS, rateLimitedRepositories: [MIRROR] });
  const manifest = writeBuiltRelease(path.join(workspace, 'build'), [
    'segmentation-service',
    'archive-service',
  ]);
  const run = await scenario.run({ 'release-manifest': manifest });
  expect(errors(run)).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(state.dbDownloads().map((event) => event.repository)).toEqual([GHCR]);
  expect(warnings(run)).toContain(
    `Vulnerability DB download from ${MIRROR} failed (rate limited); trying the next repository`,
  );
  expect(run.summary).toContain(`vulnerability DB from ${GHCR} after 1 failed repository(ies)`);
});

test('when every repository fails: a cached DB younger than max-db-age is used, an older one fails the scan', async () => {
  const { workspace, state, runnerDir } = scenario.fresh();
  const manifest = writeBuiltRelease(path.join(workspace, 'build'), ['segmentation-service']);
  // A first run on this (self-hosted) runner leaves a DB in its tool cache.
  expect((await scenario.run({ 'release-manifest': manifest })).exitCode).toBe(0);
  expect(state.dbDownloads()).toHaveLength(1);

  // Time passes: the DB's NextUpdate is due, so Trivy wants a new one, and both repositories are down.
  const metadataFile = path.join(runnerDir, 'tool-cache', 'trivy-gate-cache', 'db', 'metadata.json');
  const metadata = JSON.parse(fs.readFileSync(metadataFile, 'utf8')) as Record<string, string>;
  fs.writeFileSync(
    metadataFile,
    JSON.stringify({ ...metadata, NextUpdate: new Date(Date.now() - 60_000).toISOString() }),
  );
  state.configure({
    reports: REPORTS,
    rateLimitedRepositories: [MIRROR],
    failingRepositories: { [GHCR]: 'connection reset by peer' },
  });
  const inputs = { 'release-manifest': manifest, 'db-repository': `${MIRROR}\n${GHCR}` };
  const fresh = await scenario.run(inputs);
  expect(errors(fresh)).toEqual([]);
  expect(fresh.exitCode).toBe(0);
  expect(warnings(fresh)).toContainEqual(
    expect.stringMatching(/^every DB repository failed; using the cached DB downloaded \d+m?s ago$/),
  );
  expect(fresh.summary).toContain('vulnerability DB: every repository failed, used the cached DB');

  const stale = await scenario.run({ ...inputs, 'max-db-age': '1ms' }, { runnerDir });
  expect(stale.exitCode).toBe(1);
  expect(errors(stale)).toEqual([
    expect.stringMatching(
      new RegExp(
        `^scanner failed: the vulnerability DB could not be downloaded \\(${MIRROR}: rate limited: .*TOOMANYREQUESTS.*; ${GHCR}: exit code 1: .*connection reset by peer\\) and the cached DB is \\d+m?s old, older than max-db-age 1ms$`,
      ),
    ),
  ]);
  expect(stale.outputs.verdict).toBe('fail');
  expect(stale.summary).toContain(
    '## trivy-gate: fail\n\nscanner failed: the vulnerability DB could not be downloaded',
  );
  expect(state.dbDownloads()).toHaveLength(1);
});

test('with the Actions cache service the DB is saved once and restored by the next job', async () => {
  const { workspace, state, runnerDir } = scenario.fresh();
  const manifest = writeBuiltRelease(path.join(workspace, 'build'), ['archive-service']);
  const env = { ACTIONS_CACHE_URL: cacheService.url, ACTIONS_RUNTIME_TOKEN: 'runtime-token-canary-7f3a' };
  const first = await scenario.run({ 'release-manifest': manifest }, { env });
  expect(errors(first)).toEqual([]);
  expect(first.stdout).toContain('no DB in the Actions cache yet');
  expect(first.stdout).toMatch(/DB saved to the Actions cache as alt-las-trivy-db-\d{4}-\d{2}-\d{2}/);
  expect(cacheService.keys()).toEqual([expect.stringMatching(/^alt-las-trivy-db-\d{4}-\d{2}-\d{2}$/)]);

  // A new job on a fresh runner (same paths, nothing left behind), with every DB repository rate
  // limited: the DB restored from the cache is current, so Trivy does not download.
  fs.rmSync(runnerDir, { recursive: true, force: true });
  state.configure({ reports: REPORTS, rateLimitedRepositories: [MIRROR, GHCR] });
  const second = await scenario.run({ 'release-manifest': manifest }, { env });
  expect(errors(second)).toEqual([]);
  expect(second.exitCode).toBe(0);
  expect(second.stdout).toMatch(/DB restored from the Actions cache \(alt-las-trivy-db-/);
  expect(state.dbDownloads()).toHaveLength(1);
  expect(cacheService.authorizations).toContain('Bearer runtime-token-canary-7f3a');
  expect(second.stdout + first.stdout).not.toContain('runtime-token-canary-7f3a');
});
