// Load generation: requests per second of the action's load test (the bundle, run like the runner)
// against the autocannon command line on the same local server, in one run; target ratio >= 0.9.
// Health: four services that answer after different delays are checked concurrently; the wall time
// should stay near the slowest service, not the sum (measured against checking them one by one).
import { spawn, execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { MemoryLogger } from '@alt-las/action-kit';
import { checkHealth, createHttpClient, type HealthSettings } from '@alt-las/verify';
import { json, startTestServer } from '../action-tests/harness/http';
import { makeTempDir, repoRoot } from '../action-tests/harness/paths';
import { runnerNode } from '../action-tests/harness/node-binaries';
import { runAction } from '../action-tests/harness/run-action';
import type { BenchmarkResult } from './run';

const DURATION_S = 5;
const CONNECTIONS = 10;
const ROUNDS = 3;

/** The target server runs in its own process so neither client shares an event loop with it. */
async function startServerProcess(): Promise<{ url: string; stop: () => void }> {
  const source = `
    const http = require('node:http');
    const body = JSON.stringify({ status: 'ok', service: 'api-gateway' });
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
  `;
  const child = spawn(runnerNode(), ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('error', reject);
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function actionRps(url: string, dir: string): Promise<number> {
  const checks = path.join(dir, 'checks.yaml');
  fs.writeFileSync(
    checks,
    'health: [{ service: api-gateway, url: /health }]\nsmoke: false\nsecurity: false\ncluster: false\nload: { path: /health }\n',
  );
  const run = await runAction('post-deploy-verify', {
    inputs: {
      'base-url': url,
      'checks-file': checks,
      'load-duration': `${DURATION_S}s`,
      'load-connections': String(CONNECTIONS),
    },
  });
  if (run.exitCode !== 0) throw new Error(`action failed: ${run.stdout.slice(-2000)}`);
  return Number(run.outputs.rps);
}

async function cliRps(url: string): Promise<number> {
  const cli = path.join(repoRoot, 'node_modules', 'autocannon', 'autocannon.js');
  const { stdout } = await promisify(execFile)(
    runnerNode(),
    [cli, '--json', '-c', String(CONNECTIONS), '-d', String(DURATION_S), `${url}/health`],
    {
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  const result = JSON.parse(stdout) as { requests: { total: number }; duration: number };
  // The same definition the action uses: completed requests over the measured duration.
  return result.requests.total / result.duration;
}

async function healthWallTimes(): Promise<{ concurrentMs: number; sequentialMs: number; slowestMs: number }> {
  const delays = [300, 600, 900, 1200];
  const servers = await Promise.all(
    delays.map((delayMs) =>
      startTestServer({ routes: { '/health': json(200, { status: 'ok' }, { delayMs }) } }),
    ),
  );
  try {
    const settings = (urls: string[]): HealthSettings => ({
      endpoints: urls.map((url, index) => ({
        service: `service-${index}`,
        url: `${url}/health`,
        expectStatus: [200],
      })),
      stableChecks: 0,
      stableIntervalMs: 0,
    });
    const options = { http: createHttpClient(), logger: new MemoryLogger(), warmupMs: 30_000 };
    const time = async (fn: () => Promise<unknown>) => {
      const started = performance.now();
      await fn();
      return performance.now() - started;
    };
    const concurrentMs = await time(() =>
      checkHealth(settings(servers.map((server) => server.url)), (url) => url, options),
    );
    let sequentialMs = 0;
    for (const server of servers)
      sequentialMs += await time(() => checkHealth(settings([server.url]), (url) => url, options));
    return { concurrentMs, sequentialMs, slowestMs: Math.max(...delays) };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

export default async function benchmark(): Promise<BenchmarkResult> {
  const dir = makeTempDir('bench-verify');
  const server = await startServerProcess();
  const lines: string[] = [];
  try {
    const action: number[] = [];
    const cli: number[] = [];
    // Alternate the two so drift on a shared machine hits both alike.
    for (let round = 0; round < ROUNDS; round++) {
      cli.push(await cliRps(server.url));
      action.push(await actionRps(server.url, dir));
    }
    const best = (values: number[]) => Math.max(...values);
    const ratio = best(action) / best(cli);
    lines.push(
      `load: ${CONNECTIONS} connections, ${DURATION_S}s, ${ROUNDS} rounds each, GET /health on a local Node server (own process)`,
      `  autocannon CLI  : ${cli.map((value) => value.toFixed(0)).join(', ')} req/s`,
      `  action load test: ${action.map((value) => value.toFixed(0)).join(', ')} req/s`,
      `  ratio action/CLI (best of each): ${ratio.toFixed(3)} (target >= 0.9)`,
    );
    const health = await healthWallTimes();
    const healthOk = health.concurrentMs <= health.slowestMs * 1.25;
    lines.push(
      `health: four services answering after 300/600/900/1200ms`,
      `  concurrent wall time: ${health.concurrentMs.toFixed(0)}ms; one by one: ${health.sequentialMs.toFixed(0)}ms; slowest service: ${health.slowestMs}ms`,
      `  concurrent / slowest: ${(health.concurrentMs / health.slowestMs).toFixed(2)} (target <= 1.25)`,
    );
    return { name: 'post-deploy-verify', lines, metTargets: ratio >= 0.9 && healthOk };
  } finally {
    server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
