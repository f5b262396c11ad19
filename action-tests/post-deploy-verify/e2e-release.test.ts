import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import { healthyAfter, json, TestCa } from '../harness/http';
import { makeTempDir } from '../harness/paths';
import { runAction } from '../harness/run-action';
import { startRelease, SERVICES, type ReleaseFixture } from './release-fixture';

jest.setTimeout(120_000);

const CANARY = 'Bearer canary-7f3e9a1c5b2d4e6f8091';
let dir: string;
let ca: TestCa;

beforeAll(() => {
  dir = makeTempDir('verify-release');
  ca = TestCa.create(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function withRelease<T>(
  options: Parameters<typeof startRelease>[0] extends infer O ? Omit<O, 'cert'> : never,
  fn: (release: ReleaseFixture) => Promise<T>,
): Promise<T> {
  const release = await startRelease({
    cert: ca.issue(`gw-${Date.now()}`, { hosts: ['127.0.0.1'] }),
    ...options,
  });
  try {
    return await fn(release);
  } finally {
    await release.stop();
  }
}

const baseInputs = (release: ReleaseFixture, extra: Record<string, string> = {}) => ({
  'base-url': release.gateway.url,
  'checks-file': release.writeChecks(makeTempDir('checks')),
  'ca-file': ca.certFile,
  'auth-header': CANARY,
  'load-duration': '2s',
  'load-connections': '4',
  'warmup-timeout': '20s',
  ...extra,
});

test('a healthy release passes every category and reports its load numbers', async () => {
  await withRelease({}, async (release) => {
    const run = await runAction('post-deploy-verify', { inputs: baseInputs(release) });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(JSON.parse(run.outputs.failures!)).toEqual([]);
    expect(Number(run.outputs.rps)).toBeGreaterThan(50);
    expect(Number(run.outputs['p95-ms'])).toBeGreaterThan(0);
    expect(Number(run.outputs['p99-ms'])).toBeGreaterThanOrEqual(Number(run.outputs['p95-ms']));
    expect(Number(run.outputs['error-rate'])).toBe(0);

    const report = JSON.parse(fs.readFileSync(run.outputs.report!, 'utf8'));
    const byName = (category: string) =>
      report.checks.filter((c: { category: string }) => c.category === category);
    expect(byName('health').map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['api-gateway', 'pass'],
      ...SERVICES.map((service) => [service, 'pass']),
    ]);
    expect(byName('smoke').map((c: { status: string }) => c.status)).toEqual(['pass', 'pass', 'pass']);
    expect(byName('security').map((c: { name: string; status: string }) => [c.name, c.status])).toEqual(
      expect.arrayContaining([
        ['certificate expiry', 'pass'],
        ['certificate hostname', 'pass'],
        ['certificate chain', 'pass'],
        ['TLS protocol', 'pass'],
        ['HSTS', 'pass'],
        ['HTTPS redirect', 'pass'],
        ['server version', 'pass'],
      ]),
    );
    expect(byName('cluster')).toEqual([expect.objectContaining({ status: 'skip' })]);
    // The gateway really routed each smoke request to its backend.
    for (const service of SERVICES) {
      expect(
        release.backends[service].requests.some((request) => request.path === `/api/${service}/info`),
      ).toBe(true);
    }

    expect(run.summary).toContain('post-deploy-verify: ✅ pass');
    expect(run.summary).toMatch(/```mermaid\nxychart-beta\n[\s\S]*bar \[\d+/);
    expect(run.summary).toMatch(/\| latency \(ms\) \|/);
    expect(run.summary).toContain('### Gateway routes');
    for (const service of SERVICES) expect(run.summary).toContain(`| ${service} | 1 | 0 | ✅ |`);
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });
});

test('the auth header reaches the services but never the log, summary, report or outputs', async () => {
  await withRelease({}, async (release) => {
    // A service that echoes the header back puts it into a failure message: it must come out redacted.
    release.gateway.route('/echo', (request, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`you sent ${String(request.headers.authorization)}`);
    });
    const checks = release.writeChecks(makeTempDir('checks'), {
      smoke: [{ name: 'echo', path: '/echo' }],
      load: false,
    });
    const run = await runAction('post-deploy-verify', {
      inputs: { ...baseInputs(release), 'checks-file': checks },
    });
    expect(run.exitCode).toBe(1);
    expect(release.gateway.requests.find((request) => request.path === '/echo')?.headers.authorization).toBe(
      CANARY,
    );
    const report = fs.readFileSync(run.outputs.report!, 'utf8');
    expect(report).toContain('you sent ***');
    const token = CANARY.split(' ')[1]!;
    // `::add-mask::` commands carry the value to the runner, which never prints them.
    const log = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(log).toContain('you sent ***');
    for (const text of [log, run.stderr, run.summary, report, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(token);
    }
  });
});

test('a service that becomes healthy after a few seconds passes within the warm-up time', async () => {
  await withRelease({ backendHealth: { 'ai-orchestrator': healthyAfter(3000) } }, async (release) => {
    const run = await runAction('post-deploy-verify', {
      inputs: baseInputs(release, { 'fail-on': 'health' }),
    });
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(fs.readFileSync(run.outputs.report!, 'utf8'));
    const slow = report.checks.find((c: { name: string }) => c.name === 'ai-orchestrator');
    expect(slow.status).toBe('pass');
    expect(slow.details.attempts).toBeGreaterThan(1);
    expect(slow.details.healthyAfterMs).toBeGreaterThanOrEqual(2900);
    const quick = report.checks.find((c: { name: string }) => c.name === 'segmentation-service');
    expect(quick.details.attempts).toBe(1);
  });
});

test('one service down fails health, names it, and skips the load test', async () => {
  await withRelease(
    { backendHealth: { 'archive-service': json(503, { status: 'down' }) } },
    async (release) => {
      const run = await runAction('post-deploy-verify', {
        inputs: baseInputs(release, { 'warmup-timeout': '3s' }),
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs.verdict).toBe('fail');
      const failures = JSON.parse(run.outputs.failures!);
      expect(failures).toEqual([
        expect.objectContaining({
          category: 'health',
          name: 'archive-service',
          message: expect.stringContaining('HTTP 503'),
        }),
      ]);
      expect(run.outputs.rps).toBeUndefined();
      expect(run.annotations).toContainEqual(
        expect.objectContaining({
          level: 'error',
          properties: expect.objectContaining({ title: 'health: archive-service' }),
        }),
      );
      expect(run.annotations).toContainEqual(
        expect.objectContaining({
          level: 'error',
          message: expect.stringContaining('post-deploy verification failed: 1 check(s) in health'),
        }),
      );
      const report = JSON.parse(fs.readFileSync(run.outputs.report!, 'utf8'));
      expect(report.checks.find((c: { category: string }) => c.category === 'load').status).toBe('skip');
      // The other services were still checked (concurrently) and passed.
      expect(
        report.checks.filter(
          (c: { category: string; status: string }) => c.category === 'health' && c.status === 'pass',
        ),
      ).toHaveLength(3);
    },
  );
});
