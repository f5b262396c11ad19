import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { json, startTestServer, type TestServer } from '../harness/http';
import { makeTempDir } from '../harness/paths';
import { runAction } from '../harness/run-action';

jest.setTimeout(120_000);

const CANARY = 'Bearer canary-inputs-0c4d1e9b7a';
let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = makeTempDir('verify-inputs');
  server = await startTestServer({ routes: { '/health': json(200, { status: 'ok' }) } });
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
});

function checksFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/** Runs with one bad input and returns the error annotation; nothing may have been sent. */
async function rejected(inputs: Record<string, string>): Promise<string> {
  const run = await runAction('post-deploy-verify', {
    inputs: { 'base-url': server.url, 'auth-header': CANARY, ...inputs },
  });
  expect(run.exitCode).toBe(1);
  expect(server.requests).toEqual([]);
  expect(run.outputs).toEqual({});
  expect(run.stdout).not.toContain('canary-inputs');
  const errors = run.annotations.filter((annotation) => annotation.level === 'error');
  expect(errors).toHaveLength(1);
  return errors[0]!.message;
}

test('a YAML syntax error in the checks file names the file and line', async () => {
  const file = checksFile(
    'syntax.yaml',
    'health:\n  - service: api-gateway\n    url: /health: extra\nsmoke: []\n',
  );
  expect(await rejected({ 'checks-file': file })).toBe(
    `${file}:3: invalid YAML: Nested mappings are not allowed in compact mappings`,
  );
});

test('an unknown field, a bad status and a bad JSON path name their lines', async () => {
  const typo = checksFile(
    'typo.yaml',
    ['smoke:', '  - name: list', '    path: /api/items', '    methd: GET', ''].join('\n'),
  );
  expect(await rejected({ 'checks-file': typo })).toBe(
    `${typo}:4: smoke request "list": unknown field "methd"; expected one of name, service, method, path, headers, body, expect`,
  );
  const status = checksFile(
    'status.yaml',
    ['smoke:', '  - path: /api/items', '    expect:', '      status: 700', ''].join('\n'),
  );
  expect(await rejected({ 'checks-file': status })).toBe(
    `${status}:4: smoke request: expect: "status" must be integers 100-599`,
  );
  const jsonPath = checksFile(
    'path.yaml',
    ['smoke:', '  - path: /x', '    expect:', '      json:', '        - path: a..b', ''].join('\n'),
  );
  expect(await rejected({ 'checks-file': jsonPath })).toMatch(
    new RegExp(`^${jsonPath}:5: smoke request: JSON path "a\\.\\.b" is not valid`),
  );
  expect(await rejected({ 'checks-file': path.join(dir, 'missing.yaml') })).toBe(
    `input "checks-file": ${path.join(dir, 'missing.yaml')} does not exist`,
  );
});

test('an invalid base URL is refused with what was expected', async () => {
  expect(await rejected({ 'base-url': 'api.alt-las.example' })).toBe(
    'input "base-url": got "api.alt-las.example", expected an http:// or https:// URL such as https://api.example.com',
  );
  expect(await rejected({ 'base-url': 'ftp://127.0.0.1/' })).toBe(
    'input "base-url": got "ftp://127.0.0.1/", expected an http:// or https:// URL',
  );
  expect(await rejected({ 'base-url': 'https://user:pw@127.0.0.1/' })).toBe(
    'input "base-url": must not contain credentials; pass them with auth-header',
  );
});

test('an unknown fail-on category is refused', async () => {
  expect(await rejected({ 'fail-on': 'health, speed' })).toBe(
    'input "fail-on": unknown category "speed"; expected a list of health, smoke, load, security, cluster, or all, or none',
  );
});

test('negative or out-of-range thresholds are refused', async () => {
  expect(await rejected({ 'p95-ms': '-5' })).toBe('input "p95-ms": got "-5", expected a number >= 0');
  expect(await rejected({ 'p99-ms': '-1' })).toBe('input "p99-ms": got "-1", expected a number >= 0');
  expect(await rejected({ 'max-error-rate': '1.5' })).toBe(
    'input "max-error-rate": got "1.5", expected a number >= 0 <= 1',
  );
  expect(await rejected({ 'min-rps': '-10' })).toBe('input "min-rps": got "-10", expected a number >= 0');
  expect(await rejected({ 'tls-min-days': '-1' })).toBe(
    'input "tls-min-days": got "-1", expected an integer >= 0',
  );
  expect(await rejected({ 'load-connections': '0' })).toBe(
    'input "load-connections": got "0", expected an integer >= 1 <= 1000',
  );
  expect(await rejected({ 'warmup-timeout': 'soon' })).toBe(
    'input "warmup-timeout": got "soon", expected a duration such as 30s, 10m or 1h30m',
  );
});

test('unreadable cluster access, a missing CA file and a bad namespace are refused', async () => {
  expect(await rejected({ kubeconfig: 'not a kubeconfig' })).toBe(
    'input "kubeconfig": expected kubeconfig YAML or its base64 encoding',
  );
  const missing = path.join(dir, 'no-ca.pem');
  expect(await rejected({ 'ca-file': missing })).toBe(`input "ca-file": ${missing} does not exist`);
  expect(await rejected({ namespace: 'Atlas_Production' })).toBe(
    'input "namespace": got "Atlas_Production", expected a Kubernetes namespace name',
  );
});

test('dry run lists the checks without sending a request or running kubectl', async () => {
  const file = checksFile(
    'plan.yaml',
    [
      'health: [{ service: api-gateway, url: /health }]',
      'smoke:',
      '  - name: items',
      '    path: /api/items',
      '',
    ].join('\n'),
  );
  const token = 'dry-run-token-5521';
  const run = await runAction('post-deploy-verify', {
    inputs: {
      'base-url': `${server.url}/`,
      'checks-file': file,
      'dry-run': 'true',
      'auth-header': CANARY,
      kubeconfig: `apiVersion: v1\nkind: Config\nclusters: []\nusers:\n  - name: u\n    user:\n      token: ${token}\n`,
    },
  });
  expect(run.exitCode).toBe(0);
  expect(server.requests).toEqual([]);
  expect(run.outputs.verdict).toBeUndefined();
  // Cluster access is planned for, but no kubeconfig is written and no kubectl runs.
  expect(fs.readdirSync(path.join(run.runnerDir, 'temp', 'post-deploy-verify'))).toEqual(['report.json']);
  expect(run.stdout.split('\n').filter((line) => line.includes(token))).toEqual([`::add-mask::${token}`]);
  const report = JSON.parse(fs.readFileSync(run.outputs.report!, 'utf8'));
  expect(report.verdict).toBe('planned');
  expect(
    report.checks.map(
      (check: { category: string; name: string; status: string }) =>
        `${check.category}/${check.name}: ${check.status}`,
    ),
  ).toEqual([
    'health/api-gateway: planned',
    'smoke/items: planned',
    'load/load test: planned',
    'security/TLS: skip',
    'security/headers: planned',
    'cluster/cluster: planned',
  ]);
  expect(report.checks[1].message).toBe(`GET ${server.url}/api/items expecting 200`);
  expect(run.summary).toContain('post-deploy-verify: 📝 dry run (nothing sent)');
  expect(run.summary).toContain('| Category | Passed | Failed | Skipped | Planned | Blocks the step |');
  expect(run.summary).toContain('| security | 0 | 0 | 1 | 1 | yes |');
});

test('more failures than GitHub shows as annotations: the rest are counted in the summary', async () => {
  const file = checksFile(
    'many.yaml',
    [
      'health: [{ service: api-gateway, url: /health }]',
      'smoke:',
      ...Array.from(
        { length: 12 },
        (_, index) => `  - { name: missing ${index + 1}, path: /missing-${index + 1} }`,
      ),
      'load: false',
      'security: false',
      'cluster: false',
      '',
    ].join('\n'),
  );
  const run = await runAction('post-deploy-verify', {
    inputs: { 'base-url': server.url, 'checks-file': file },
  });
  expect(run.exitCode).toBe(1);
  expect(JSON.parse(run.outputs.failures!)).toHaveLength(12);
  const errors = run.annotations.filter((annotation) => annotation.level === 'error');
  // Nine check failures and the step's own message: GitHub's ten, none of them lost silently.
  expect(errors).toHaveLength(10);
  expect(errors[9]!.message).toMatch(/^post-deploy verification failed: 12 check\(s\) in smoke/);
  expect(run.summary).toContain(
    '> 3 failed check(s) not shown as annotations (GitHub shows 10 per level per step',
  );
  expect(run.summary).toContain('**smoke / missing 12**: HTTP 404, expected 200');
});
