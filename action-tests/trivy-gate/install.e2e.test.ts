import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeBuiltRelease } from './helpers';
import { errors, startScenario, type Scenario } from './scenario';

jest.setTimeout(180_000);

let scenario: Scenario;
beforeAll(async () => {
  scenario = await startScenario();
});
afterAll(() => scenario.stop());

const tarballRequests = () =>
  scenario.server.requests.filter((url) => url.endsWith(scenario.server.tarballName)).length;
const installedTrivy = (runnerDir: string) =>
  path.join(runnerDir, 'tool-cache', 'trivy', '0.69.3', 'x64', 'trivy');

test('a tarball that does not match the release checksums file is never extracted', async () => {
  const { workspace, state, runnerDir } = scenario.fresh();
  const manifest = writeBuiltRelease(path.join(workspace, 'build'), ['api-gateway']);
  scenario.server.tamper(true);
  try {
    const run = await scenario.run({ 'release-manifest': manifest });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      expect.stringMatching(
        /^scanner failed: could not install Trivy 0\.69\.3: sha256 of trivy_0\.69\.3_Linux-64bit\.tar\.gz is [0-9a-f]{64}, but the release checksums file says [0-9a-f]{64}; nothing was extracted$/,
      ),
    ]);
  } finally {
    scenario.server.tamper(false);
  }
  expect(fs.existsSync(path.join(runnerDir, 'tool-cache', 'trivy'))).toBe(false);
  // Nothing was unpacked anywhere: no `trivy` executable exists under the runner's directories.
  const files = fs.readdirSync(runnerDir, { recursive: true }) as string[];
  expect(files.filter((file) => path.basename(file) === 'trivy')).toEqual([]);
  expect(state.events()).toEqual([]);
});

test('a trivy-sha256 pin is checked as well as the checksums file', async () => {
  const { workspace, runnerDir } = scenario.fresh();
  const manifest = writeBuiltRelease(path.join(workspace, 'build'), ['api-gateway']);
  const wrong = 'ab'.repeat(32);
  const run = await scenario.run({ 'release-manifest': manifest, 'trivy-sha256': wrong });
  expect(run.exitCode).toBe(1);
  expect(errors(run)[0]).toContain(`but the pinned sha256 says ${wrong}; nothing was extracted`);
  expect(fs.existsSync(installedTrivy(runnerDir))).toBe(false);

  const pinned = await scenario.run({
    'release-manifest': manifest,
    'trivy-sha256': scenario.server.tarballSha256.toUpperCase(),
  });
  expect(pinned.stdout).toContain(`Verified sha256 ${scenario.server.tarballSha256}`);
  expect(fs.existsSync(installedTrivy(runnerDir))).toBe(true);
});

test('a failing download is retried; a cached install is reused without downloading', async () => {
  const { workspace } = scenario.fresh();
  const manifest = writeBuiltRelease(path.join(workspace, 'build'), ['segmentation-service']);
  const before = tarballRequests();
  scenario.server.failNext(scenario.server.tarballName, 1, 502);
  const run = await scenario.run({ 'release-manifest': manifest });
  expect(errors(run)).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(tarballRequests() - before).toBe(2);
  expect(run.stdout).toContain('Unexpected HTTP response: 502');

  const again = await scenario.run({ 'release-manifest': manifest });
  expect(again.exitCode).toBe(0);
  expect(tarballRequests() - before).toBe(2);
  expect(again.stdout).toContain('Using cached trivy 0.69.3');
});

test('a download that keeps failing is reported after the retries', async () => {
  const { workspace, state } = scenario.fresh();
  const manifest = writeBuiltRelease(path.join(workspace, 'build'), ['api-gateway']);
  // A mirror without the checksums file: not retried by the HTTP client, so our retries show.
  scenario.server.failNext('_checksums.txt', 4, 404);
  const run = await scenario.run({ 'release-manifest': manifest });
  expect(run.exitCode).toBe(1);
  expect(errors(run)).toEqual([
    expect.stringMatching(
      /^scanner failed: could not install Trivy 0\.69\.3: download of http:\/\/127\.0\.0\.1:\d+\/v0\.69\.3\/trivy_0\.69\.3_checksums\.txt failed after 4 attempts: .*404/,
    ),
  ]);
  expect(run.stdout).toMatch(/_checksums\.txt failed \(attempt 3\)/);
  expect(state.events()).toEqual([]);
});
