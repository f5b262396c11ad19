// Per bundle: size, and median cold start (process start to the input error, 10 runs) under the
// runner's Node 24, against bare `node -e ''` on the same binary as the named peer.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTIONS, processTempDir, repoRoot } from '../action-tests/harness/paths';
import { runnerNode } from '../action-tests/harness/node-binaries';
import { inputVariable } from '../action-tests/harness/run-action';
import type { BenchmarkResult } from './run';

const RUNS = 10;
const MAX_BYTES = 1.5 * 1024 * 1024;
const MAX_COLD_START_MS = 150;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeRuns(node: string, args: string[], env: NodeJS.ProcessEnv): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    spawnSync(node, args, { env, stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(samples);
}

export default async function bundles(): Promise<BenchmarkResult> {
  const node = runnerNode();
  const runner = processTempDir('bench-bundles');
  const baseline = timeRuns(node, ['-e', ''], { PATH: process.env.PATH });
  const lines = [`peer: bare \`node -e ''\` (Node 24) median ${baseline.toFixed(1)} ms over ${RUNS} runs`];
  let met = true;
  for (const action of ACTIONS) {
    const bundle = path.join(repoRoot, 'dist', action, 'index.js');
    const size = fs.statSync(bundle).size;
    // Chunks ncc splits off for dynamic imports load only when that code path runs.
    const lazy = fs
      .readdirSync(path.dirname(bundle))
      .filter((file) => /^\d+\.index\.js$/.test(file))
      .reduce((total, file) => total + fs.statSync(path.join(path.dirname(bundle), file)).size, 0);
    const output = path.join(runner, `${action}-output`);
    fs.writeFileSync(output, '');
    // An invalid dry-run value fails every action at input parsing: the cold start users feel on a typo.
    const env = { PATH: process.env.PATH, GITHUB_OUTPUT: output, [inputVariable('dry-run')]: 'maybe' };
    const coldStart = timeRuns(node, [bundle], env);
    const ok = size <= MAX_BYTES && coldStart <= MAX_COLD_START_MS;
    met &&= ok;
    lines.push(
      `${action.padEnd(19)} ${(size / 1024 / 1024).toFixed(2)} MB (target <= 1.5)` +
        `${lazy > 0 ? ` + ${(lazy / 1024 / 1024).toFixed(2)} MB loaded on demand` : ''}  cold start ${coldStart.toFixed(1)} ms ` +
        `(target <= ${MAX_COLD_START_MS}; ${(coldStart / baseline).toFixed(2)}x bare node)${ok ? '' : '  MISSED'}`,
    );
  }
  lines.push('for scale: docker/build-push-action ships 2.5 MB, docker/metadata-action 2.8 MB');
  return { name: 'bundle size and cold start', lines, metTargets: met };
}
