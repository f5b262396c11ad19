import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readReleaseManifest } from '@alt-las/release-model';
import { SERVICES, sarifValidator, writeBuiltRelease } from './helpers';
import { errors, startScenario, warnings, type Scenario } from './scenario';

jest.setTimeout(180_000);

let scenario: Scenario;
beforeAll(async () => {
  scenario = await startScenario();
});
afterAll(() => scenario.stop());

const IGNORES = `vulnerabilities:
  - id: CVE-2025-31001
    package: libssl3
    reason: RSA decryption is not used by the gateway (TLS terminates at the ingress)
    expires: 2099-12-31
  - id: CVE-2025-33001
    reason: templates are never user-supplied
    expires: 2020-01-31
  - id: CVE-2024-99999
    reason: left over from the previous base image
secrets:
  - id: aws-access-key-id
    reason: documented dummy key used by the local stack
`;

test('four images: one DB download, policy verdict, counts, SARIF per image, manifest and summary', async () => {
  const { workspace, state } = scenario.fresh();
  const manifestPath = writeBuiltRelease(path.join(workspace, 'build'));
  const run = await scenario.run({ 'release-manifest': manifestPath, 'sarif-dir': 'sarif' });

  expect(run.exitCode).toBe(1);
  // The DB is fetched once, and every scan reuses it from the same cache directory.
  expect(state.dbDownloads()).toHaveLength(1);
  expect(state.dbDownloads()[0]!.repository).toBe('mirror.gcr.io/aquasec/trivy-db:2');
  const scans = state.scans();
  expect(scans.map((scan) => scan.key).sort()).toEqual([...SERVICES].sort());
  for (const scan of scans) {
    expect(scan.args).toEqual(expect.arrayContaining(['--skip-db-update', '--input', '--format', 'json']));
    // Trivy cannot open OCI layout tarballs, so each archive was unpacked for it, and removed afterwards.
    expect(scan.inputIsDirectory).toBe(true);
    expect(fs.existsSync(scan.args![scan.args!.indexOf('--input') + 1]!)).toBe(false);
    expect(scan.args![scan.args!.indexOf('--cache-dir') + 1]).toBe(state.dbDownloads()[0]!.cacheDir);
  }

  // Blocking: the fixed HIGH in api-gateway and the secret in ai-orchestrator plus its fixed HIGH.
  // The unfixed CRITICAL in api-gateway does not block (ignore-unfixed defaults to true).
  const failure = errors(run).find((message) => message.startsWith('policy failed'))!;
  expect(failure).toMatch(/^policy failed: 3 blocking finding\(s\) at or above HIGH/);
  expect(failure).toContain('api-gateway: CVE-2025-31001 (HIGH) in libssl3 3.3.2-r0 (fixed in 3.3.3-r0)');
  expect(failure).toContain('ai-orchestrator: secret aws-access-key-id (CRITICAL) in app/config/.env:3');
  expect(failure).not.toContain('CVE-2025-31002');
  expect(run.outputs.verdict).toBe('fail');

  const counts = JSON.parse(run.outputs.counts!) as Record<string, Record<string, number>>;
  expect(counts['api-gateway']).toEqual({ CRITICAL: 1, HIGH: 1, MEDIUM: 1, LOW: 1, UNKNOWN: 0 });
  expect(counts['segmentation-service']).toEqual({ CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 1, UNKNOWN: 0 });

  const sarifFiles = run.outputs.sarif!.split('\n');
  expect(sarifFiles.map((file) => path.basename(file)).sort()).toEqual(
    SERVICES.map((s) => `${s}.sarif`).sort(),
  );
  const validate = sarifValidator();
  for (const file of sarifFiles) {
    expect(path.dirname(file)).toBe(path.join(workspace, 'sarif'));
    const sarif = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect([path.basename(file), validate(sarif)]).toEqual([path.basename(file), []]);
    expect(sarif.runs[0].automationDetails.id).toBe(`trivy-${path.basename(file, '.sarif')}/`);
  }

  const manifest = readReleaseManifest(run.outputs['release-manifest']!);
  expect(run.outputs['release-manifest']).toBe(manifestPath);
  const gateway = manifest.services.find((service) => service.name === 'api-gateway')!;
  expect(gateway.scan).toMatchObject({
    verdict: 'fail',
    blocking: 1,
    counts: counts['api-gateway'],
    scanner: 'trivy 0.69.3',
  });
  expect(gateway.scan!.digest).toBe(gateway.build!.digest);
  expect(manifest.services.find((service) => service.name === 'archive-service')!.scan!.verdict).toBe('pass');

  expect(run.summary).toContain('## trivy-gate: fail');
  expect(run.summary).toContain('| api-gateway | 1 | 1 | 1 | 1 | 0 | 1 | 0 | fail |');
  expect(run.summary).toContain(
    '[CVE-2025-31001](https://avd.aquasec.com/nvd/cve-2025-31001) | HIGH | libssl3 | 3.3.2-r0 | 3.3.3-r0 |',
  );
  expect(run.summary).toContain('api-gateway: 1 finding(s) at or above HIGH with no fix yet (not blocking)');
  expect(run.summary).toContain(
    '| [CVE-2025-31002](https://avd.aquasec.com/nvd/cve-2025-31002) | CRITICAL | busybox | 1.36.1-r29 | affected | busybox: out-of-bounds write in awk |',
  );
  expect(run.summary).toContain('vulnerability DB from mirror.gcr.io/aquasec/trivy-db:2');
  expect(run.stdout).toContain('the Actions cache is not available on this runner');
});

test('an ignore file with reasons lets the release pass and reports expired, unused and expiring ignores', async () => {
  const { workspace } = scenario.fresh();
  const manifestPath = writeBuiltRelease(path.join(workspace, 'build'));
  fs.writeFileSync(path.join(workspace, '.trivyignore.yaml'), IGNORES);
  const run = await scenario.run({ 'release-manifest': manifestPath });

  // CVE-2025-33001's ignore expired in 2020, so it blocks again and is called out.
  expect(run.exitCode).toBe(1);
  expect(errors(run).find((m) => m.startsWith('policy failed'))).toMatch(
    /^policy failed: 1 blocking finding\(s\).*CVE-2025-33001/,
  );
  expect(warnings(run)).toContainEqual(
    expect.stringMatching(
      /^CVE-2025-33001 \(vulnerabilities entry 2\) expired on 2020-01-31; it matched 1 finding/,
    ),
  );
  expect(run.annotations).toContainEqual(
    expect.objectContaining({
      level: 'notice',
      message: 'CVE-2024-99999 (vulnerabilities entry 3) matched no finding',
    }),
  );
  expect(run.summary).toContain('**Expired** on 2020-01-31');
  expect(run.summary).toContain('Unused: `CVE-2024-99999`');
  expect(run.summary).toContain(
    'RSA decryption is not used by the gateway (TLS terminates at the ingress) | 2099-12-31',
  );
  expect(run.summary).toContain('documented dummy key used by the local stack | never');

  fs.writeFileSync(
    path.join(workspace, '.trivyignore.yaml'),
    IGNORES.replace(
      'expires: 2020-01-31',
      `expires: ${new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10)}`,
    ),
  );
  const passing = await scenario.run({ 'release-manifest': manifestPath });
  expect(errors(passing)).toEqual([]);
  expect(passing.exitCode).toBe(0);
  expect(passing.outputs.verdict).toBe('pass');
  expect(warnings(passing)).toContainEqual(
    expect.stringMatching(/^CVE-2025-33001 \(vulnerabilities entry 2\) expires on /),
  );
  expect(passing.summary).toContain('Expires soon');
});
