import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readReleaseManifest } from '@alt-las/release-model';
import { osPackages } from '../harness/trivy';
import { startGitHubApi } from './github-api-server';
import { writeArchive, writeBuiltRelease, writeDockerArchive } from './helpers';
import { errors, REPORTS, startScenario, type Scenario } from './scenario';

jest.setTimeout(180_000);

let scenario: Scenario;
beforeAll(async () => {
  scenario = await startScenario();
});
afterAll(() => scenario.stop());

test('a scanner failure is reported as such, the other images are still judged', async () => {
  const { workspace } = scenario.fresh({
    reports: REPORTS,
    scanFailures: { 'ai-orchestrator': 'unable to analyze layer sha256:1f2e: unexpected EOF' },
  });
  const manifestPath = writeBuiltRelease(path.join(workspace, 'build'), [
    'segmentation-service',
    'ai-orchestrator',
    'archive-service',
  ]);
  const run = await scenario.run({ 'release-manifest': manifestPath });
  expect(run.exitCode).toBe(1);
  const failure = errors(run).at(-1)!;
  expect(failure).toMatch(/^scanner failed: ai-orchestrator: trivy exited with code 1: .*unexpected EOF$/);
  expect(failure).not.toContain('policy failed');
  expect(run.outputs.verdict).toBe('fail');
  expect(Object.keys(JSON.parse(run.outputs.counts!) as object).sort()).toEqual([
    'archive-service',
    'segmentation-service',
  ]);
  const manifest = readReleaseManifest(manifestPath);
  expect(manifest.services.map((s) => [s.name, s.scan?.verdict])).toEqual([
    ['segmentation-service', 'pass'],
    ['ai-orchestrator', 'error'],
    ['archive-service', 'pass'],
  ]);
  expect(run.summary).toContain('**1 scan(s) failed**');
});

test('with a baseline from the previous release, fail-on new blocks only new findings', async () => {
  const { workspace, state } = scenario.fresh();
  const manifestPath = writeBuiltRelease(path.join(workspace, 'build'), ['api-gateway', 'archive-service']);
  const previous = await scenario.run({ 'release-manifest': manifestPath });
  expect(previous.outputs.verdict).toBe('fail');
  const baselineDir = path.join(workspace, 'baseline');
  fs.mkdirSync(baselineDir);
  for (const service of readReleaseManifest(manifestPath).services)
    fs.copyFileSync(service.scan!.report!, path.join(baselineDir, `${service.name}.json`));

  // The next release adds a HIGH to api-gateway; the old one (CVE-2025-31001) is known.
  const gateway = REPORTS['api-gateway']!;
  const added = osPackages('alpine', '3.20.3', [
    {
      id: 'CVE-2025-39999',
      pkg: 'libexpat',
      installed: '2.6.3-r0',
      fixed: '2.6.4-r0',
      severity: 'HIGH',
      title: 'expat: crafted XML exhausts the stack',
    },
  ]);
  state.configure({ reports: { ...REPORTS, 'api-gateway': { Results: [...gateway.Results, added] } } });
  const fresh = writeBuiltRelease(path.join(workspace, 'next'), ['api-gateway', 'archive-service']);
  const run = await scenario.run({ 'release-manifest': fresh, baseline: 'baseline', 'fail-on': 'new' });
  expect(run.exitCode).toBe(1);
  const failure = errors(run).at(-1)!;
  expect(failure).toMatch(
    /^policy failed: 1 blocking finding\(s\) at or above HIGH: api-gateway: CVE-2025-39999 \(HIGH\) in libexpat/,
  );
  expect(run.summary).toContain(
    '| Image | CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN | Blocking | New | Known | Ignored | Verdict |',
  );
  expect(run.summary).toContain('| api-gateway | 1 | 2 | 1 | 1 | 0 | 1 | 1 | 4 | 0 | fail |');
  expect(run.summary).toContain(
    'api-gateway: 1 finding(s) at or above HIGH were already in the baseline and do not block (fail-on: new).',
  );

  const all = await scenario.run({ 'release-manifest': fresh, baseline: 'baseline' });
  expect(errors(all).at(-1)).toMatch(/^policy failed: 2 blocking finding\(s\)/);
});

test('SARIF upload to code scanning: gzip + base64, retried, and the token never leaks', async () => {
  const token = 'ghs_CanaryToken0123456789abcdefXYZ';
  const api = await startGitHubApi(1);
  try {
    const { workspace } = scenario.fresh();
    const manifestPath = writeBuiltRelease(path.join(workspace, 'build'), ['api-gateway', 'archive-service']);
    const run = await scenario.run(
      { 'release-manifest': manifestPath, 'upload-sarif': 'true', 'github-token': token },
      { env: { GITHUB_API_URL: api.url } },
    );
    expect(api.uploads.map((u) => u.sarif.runs[0]!.automationDetails!.id)).toEqual([
      'trivy-api-gateway/',
      'trivy-archive-service/',
    ]);
    for (const upload of api.uploads) {
      expect(upload.path).toBe('/repos/alt-las/alt-las/code-scanning/sarifs');
      expect(upload.authorization).toBe(`Bearer ${token}`);
      expect(upload.body).toMatchObject({
        commit_sha: '0123456789abcdef0123456789abcdef01234567',
        ref: 'refs/tags/v1.0.0',
      });
    }
    expect(run.stdout).toMatch(/SARIF upload attempt 1 failed: code scanning upload answered 502/);
    expect(run.stdout).toContain('Uploaded api-gateway.sarif (analysis analysis-');
    // The runner consumes ::add-mask:: commands (that is how masking works); nothing else may carry the token.
    const log = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    const written = [
      log,
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs),
      fs.readFileSync(manifestPath, 'utf8'),
      ...run.outputs.sarif!.split('\n').map((f) => fs.readFileSync(f, 'utf8')),
    ];
    for (const text of written) expect(text).not.toContain(token);
    expect(run.stdout).toContain(`::add-mask::${token}`);
  } finally {
    await api.stop();
  }
});

test('images input: archives and references, and more blocking findings than annotations allow', async () => {
  const many = osPackages(
    'alpine',
    '3.20.3',
    Array.from({ length: 25 }, (_, i) => ({
      id: `CVE-2025-4${String(i).padStart(4, '0')}`,
      pkg: `lib${i}`,
      installed: '1.0',
      fixed: '1.1',
      severity: 'HIGH' as const,
    })),
  );
  const reference = 'ghcr.io/alt-las/alt-las-archive-service:1.4.2';
  const { workspace, state } = scenario.fresh({
    reports: { tool: { Results: [many] }, [reference]: REPORTS['archive-service']! },
  });
  writeArchive(path.join(workspace, 'tool.tar'), 'tool');
  writeDockerArchive(path.join(workspace, 'legacy.tar'));
  const run = await scenario.run({ images: `tool.tar\n${reference}\nlegacy.tar`, 'sarif-dir': 'sarif' });
  expect(state.scans().map((s) => s.key)).toEqual(['tool', reference, 'legacy']);
  expect(state.scans()[1]!.args).toContain(reference);
  // A docker-archive tarball goes to Trivy as it is.
  expect(state.scans()[2]!.args).toContain(path.join(workspace, 'legacy.tar'));
  expect(Object.keys(JSON.parse(run.outputs.counts!) as object)).toEqual([
    'tool',
    'alt-las-archive-service',
    'legacy',
  ]);
  const findingErrors = run.annotations.filter(
    (a) => a.level === 'error' && a.properties.title === 'Blocking HIGH finding',
  );
  // Nine finding annotations leave room for the failure itself within GitHub's ten per step.
  expect(findingErrors).toHaveLength(9);
  expect(errors(run).at(-1)).toMatch(
    /^policy failed: 25 blocking finding\(s\).*; and 20 more \(see the job summary\)$/,
  );
  expect(run.summary).toContain('16 errors not shown as annotations');
  expect(run.summary).toContain('### tool: 25 blocking finding(s)');
  expect(run.outputs['release-manifest']).toBe('');
});

test('an OpenVEX not_affected statement and a secret ignore let an image pass; secret-only scans need no DB', async () => {
  const { workspace, state } = scenario.fresh();
  const manifestPath = writeBuiltRelease(path.join(workspace, 'build'), ['ai-orchestrator']);
  fs.writeFileSync(
    path.join(workspace, 'orchestrator.vex.json'),
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://alt-las.example/vex/1',
      author: 'ALT_LAS security',
      timestamp: '2026-11-01T00:00:00Z',
      version: 1,
      statements: [
        {
          vulnerability: { name: 'CVE-2025-33001' },
          products: [{ '@id': 'pkg:oci/alt-las-ai-orchestrator' }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ],
    }),
  );
  fs.writeFileSync(
    path.join(workspace, '.trivyignore.yaml'),
    'secrets:\n  - id: aws-access-key-id\n    reason: documented dummy key of the local stack\n',
  );
  const run = await scenario.run({ 'release-manifest': manifestPath, vex: 'orchestrator.vex.json' });
  expect(errors(run)).toEqual([]);
  expect(run.outputs.verdict).toBe('pass');
  expect(run.summary).toContain('VEX not_affected: vulnerable_code_not_in_execute_path');
  expect(JSON.parse(run.outputs.counts!)['ai-orchestrator']).toEqual({
    CRITICAL: 0,
    HIGH: 0,
    MEDIUM: 0,
    LOW: 0,
    UNKNOWN: 0,
  });

  const secretsOnly = await scenario.run({ 'release-manifest': manifestPath, scanners: 'secret' });
  expect(secretsOnly.outputs.verdict).toBe('pass');
  expect(state.dbDownloads()).toHaveLength(1);
  expect(state.scans().at(-1)!.args).toEqual(expect.arrayContaining(['--scanners', 'secret']));
  expect(secretsOnly.stdout).not.toContain('Updating the vulnerability DB');
});

describe('inputs are checked before anything is downloaded', () => {
  test.each([
    [
      { 'fail-on-severity': 'SEVERE' },
      'input "fail-on-severity": got "SEVERE", expected one of CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN',
    ],
    [{ 'fail-on': 'new' }, 'input "fail-on": "new" needs input "baseline" (the previous release\'s reports)'],
    [
      { scanners: 'vuln,malware' },
      'input "scanners": got "vuln,malware", expected a comma-separated list of vuln, secret, misconfig, license',
    ],
    [{ 'trivy-sha256': 'abc' }, 'input "trivy-sha256": got "abc", expected a sha256 digest (64 hex digits)'],
    [
      { 'max-db-age': 'two days' },
      'input "max-db-age": got "two days", expected a duration such as 30s, 10m or 1h30m',
    ],
    [{ 'ignore-file': 'security/ignores.yaml' }, 'does not exist'],
    [{ images: 'a.tar' }, 'inputs "release-manifest" and "images": give one of them, not both'],
    [
      { 'release-manifest': '', images: 'build/missing.tar' },
      'input "images": the image archive of missing (',
    ],
    [
      { 'upload-sarif': 'true', 'github-token': '' },
      'input "upload-sarif" is true but "github-token" is empty',
    ],
  ])('%j', async (inputs, message) => {
    const { workspace, state } = scenario.fresh();
    const manifestPath = writeBuiltRelease(path.join(workspace, 'build'), ['api-gateway']);
    const before = scenario.server.requests.length;
    const run = await scenario.run({ 'release-manifest': manifestPath, ...inputs });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([expect.stringContaining(message)]);
    expect(scenario.server.requests.length).toBe(before);
    expect(state.events()).toEqual([]);
  });

  test('an ignore without a reason names the entry', async () => {
    const { workspace } = scenario.fresh();
    const manifestPath = writeBuiltRelease(path.join(workspace, 'build'), ['api-gateway']);
    fs.writeFileSync(path.join(workspace, '.trivyignore.yaml'), 'vulnerabilities:\n  - id: CVE-2025-31001\n');
    const run = await scenario.run({ 'release-manifest': manifestPath });
    expect(errors(run)).toEqual([
      `ignore-file ${path.join(workspace, '.trivyignore.yaml')}: vulnerabilities entry 1 (CVE-2025-31001) has no reason; every ignore must say why it is safe`,
    ]);
  });
});

test('dry run: plans from a manifest without archives, installs and scans nothing', async () => {
  const { workspace, state } = scenario.fresh();
  const manifestPath = writeBuiltRelease(path.join(workspace, 'build'), ['api-gateway']);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  delete manifest.services[0].build;
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  const before = scenario.server.requests.length;
  const run = await scenario.run({ 'release-manifest': manifestPath, 'dry-run': 'true' });
  expect(errors(run)).toEqual([]);
  expect(run.exitCode).toBe(0);
  expect(run.summary).toContain('## trivy-gate (dry run)');
  expect(run.summary).toContain(
    '| api-gateway | ghcr.io/alt-las/alt-las-api-gateway | (built by build-services) |',
  );
  expect(run.outputs['release-manifest']).toBe(manifestPath);
  expect(scenario.server.requests.length).toBe(before);
  expect(state.events()).toEqual([]);

  const real = await scenario.run({ 'release-manifest': manifestPath });
  expect(errors(real)).toEqual([
    expect.stringContaining(
      'service "api-gateway" has no build.archive; run build-services (not in dry-run) before scanning',
    ),
  ]);
});
