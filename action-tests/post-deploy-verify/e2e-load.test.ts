import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { failEvery, json, slowShare, startTestServer, type Handler, type TestServer } from '../harness/http';
import { makeTempDir } from '../harness/paths';
import { runAction } from '../harness/run-action';

jest.setTimeout(120_000);

let dir: string;
beforeAll(() => {
  dir = makeTempDir('verify-load');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Only health and load: the load scenarios do not need TLS or a cluster. */
async function loadRun(handler: Handler, inputs: Record<string, string>) {
  const server: TestServer = await startTestServer({
    routes: { '/health': json(200, { status: 'ok' }), '/work': handler },
  });
  try {
    const checks = path.join(dir, `checks-${Date.now()}.yaml`);
    fs.writeFileSync(
      checks,
      stringify({
        health: [{ service: 'api-gateway', url: '/health' }],
        smoke: false,
        load: { path: '/work' },
        security: false,
        cluster: false,
      }),
    );
    const run = await runAction('post-deploy-verify', {
      inputs: {
        'base-url': server.url,
        'checks-file': checks,
        'load-duration': '3s',
        'load-connections': '8',
        ...inputs,
      },
    });
    const report = JSON.parse(fs.readFileSync(run.outputs.report!, 'utf8'));
    return { run, report, served: server.requests.filter((request) => request.path === '/work').length };
  } finally {
    await server.stop();
  }
}

test('5xx answers under load push the error rate over max-error-rate', async () => {
  const { run, report, served } = await loadRun(failEvery(10), { 'max-error-rate': '0.01' });
  expect(run.exitCode).toBe(1);
  expect(run.outputs.verdict).toBe('fail');
  const errorRate = Number(run.outputs['error-rate']);
  expect(errorRate).toBeGreaterThan(0.09);
  expect(errorRate).toBeLessThan(0.11);
  expect(JSON.parse(run.outputs.failures!)).toEqual([
    expect.objectContaining({
      category: 'load',
      name: 'error rate',
      message: expect.stringMatching(/of \d+ requests failed \(limit 1\.00%.*x500/),
    }),
  ]);
  // The requests the action counts are the ones the server saw (give or take those cut off at the end).
  expect(report.load.requests).toBeGreaterThan(served * 0.95);
  expect(report.load.requests).toBeLessThanOrEqual(served + 8);
  expect(report.load.statusCodes['500']).toBeGreaterThan(0);
  expect(run.summary).toContain('❌ fail');
});

test('a slow share of requests breaks the p95 limit while p50 stays low', async () => {
  const { run, report } = await loadRun(slowShare(0.25, 150), {
    'p95-ms': '60',
    'p99-ms': '400',
    'min-rps': '1000000',
  });
  expect(run.exitCode).toBe(1);
  expect(Number(run.outputs['p95-ms'])).toBeGreaterThanOrEqual(150);
  expect(report.load.latency.p50).toBeLessThan(60);
  const failures = JSON.parse(run.outputs.failures!);
  expect(failures.map((failure: { name: string }) => failure.name).sort()).toEqual([
    'p95 latency',
    'throughput',
  ]);
  expect(failures.find((failure: { name: string }) => failure.name === 'p95 latency').message).toMatch(
    /^p95 \d+(\.\d)?ms \(limit 60ms\)$/,
  );
  expect(report.checks.find((check: { name: string }) => check.name === 'p99 latency').status).toBe('pass');
  // The chart's buckets hold both the fast majority and the slow quarter.
  expect(
    report.load.histogram.find((bucket: { label: string }) => bucket.label === '100-200ms').count,
  ).toBeGreaterThan(0);
  expect(run.summary).toContain('"100-200ms"');
});

test('a fast, clean service passes the load thresholds', async () => {
  const { run, report } = await loadRun(json(200, { status: 'ok' }), { 'p95-ms': '200', 'min-rps': '50' });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.verdict).toBe('pass');
  expect(Number(run.outputs.rps)).toBeGreaterThan(50);
  expect(
    report.checks
      .filter((check: { category: string }) => check.category === 'load')
      .map((check: { status: string }) => check.status),
  ).toEqual(['pass', 'pass', 'pass']);
  expect(
    report.checks
      .filter((check: { status: string }) => check.status === 'skip')
      .map((check: { category: string }) => check.category)
      .sort(),
  ).toEqual(['cluster', 'security', 'smoke']);
});
