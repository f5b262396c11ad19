// trivy-gate: policy, SARIF and summary for one 50,000-finding Trivy report (target under 1 s and
// under 300 MB peak memory), against the peer cost of merely parsing and re-serialising that report;
// and the bundled action scanning four images with one DB download (counted by the stand-in Trivy).
// `npx tsx bench/run.ts trivy-gate`; the measured pass is bench/trivy-gate-pass.ts.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, repoRoot, runAction, runnerNode } from '../action-tests/harness';
import {
  StandInState,
  startTrivyReleaseServer,
  syntheticTemplate,
  trivyReport,
} from '../action-tests/harness/trivy';
import { SERVICES, writeBuiltRelease } from '../action-tests/trivy-gate/helpers';
import { REPORTS } from '../action-tests/trivy-gate/scenario';
import type { BenchmarkResult } from './run';

const FINDINGS = 50_000;
const TIME_TARGET_MS = 1000;
const MEMORY_TARGET_MB = 300;
const ROUNDS = 5;

import { median } from './trivy-gate-pass';

import type { WorkerResult } from './trivy-gate-pass';

async function dbDownloadsForFourImages(
  dir: string,
): Promise<{ downloads: number; scans: number; ms: number; exitCode: number | null }> {
  const server = await startTrivyReleaseServer();
  try {
    const state = new StandInState(path.join(dir, 'state')).configure({ reports: REPORTS });
    const workspace = path.join(dir, 'workspace');
    const manifest = writeBuiltRelease(path.join(workspace, 'build'), SERVICES);
    const run = await runAction('trivy-gate', {
      inputs: { 'release-manifest': manifest, 'trivy-download-url': server.url },
      env: state.env,
      workspace,
      runnerDir: path.join(dir, 'runner'),
    });
    return {
      downloads: state.dbDownloads().length,
      scans: state.scans().length,
      ms: run.durationMs,
      exitCode: run.exitCode,
    };
  } finally {
    await server.stop();
  }
}

export default async function benchmark(): Promise<BenchmarkResult> {
  const dir = makeTempDir('bench-trivy-gate');
  try {
    const reportFile = path.join(dir, 'report.json');
    fs.writeFileSync(
      reportFile,
      JSON.stringify(trivyReport('build/api-gateway.tar', syntheticTemplate(FINDINGS))),
    );
    // The action runs as a bundle on the runner's Node (24), so the measured child does too: this
    // pass bundled with esbuild (tsx's own compiler).
    const workerBundle = path.join(dir, 'worker.mjs');
    execFileSync(
      path.join(repoRoot, 'node_modules', '.bin', 'esbuild'),
      [
        path.join(path.dirname(fileURLToPath(import.meta.url)), 'trivy-gate-pass.ts'),
        '--bundle',
        '--platform=node',
        '--format=esm',
        `--outfile=${workerBundle}`,
        '--log-level=error',
        '--banner:js=import { createRequire as bannerRequire } from "node:module"; const require = bannerRequire(import.meta.url);',
      ],
      { cwd: repoRoot },
    );
    const measure = (rounds: number, baseline = true) => {
      const output = execFileSync(
        runnerNode(),
        [workerBundle, reportFile, String(rounds), baseline ? 'baseline' : 'no-baseline'],
        {
          cwd: repoRoot,
          encoding: 'utf8',
          maxBuffer: 16 * 2 ** 20,
        },
      );
      return JSON.parse(output.trim().split('\n').pop()!) as WorkerResult;
    };
    const memory = measure(1);
    const memoryAlone = measure(1, false);
    const result = measure(ROUNDS);
    const gate = median(result.gateMs);
    const peer = median(result.peerMs);
    const db = await dbDownloadsForFourImages(dir);
    const timeMet = gate < TIME_TARGET_MS;
    const memoryMet = memory.maxRssMb < MEMORY_TARGET_MB;
    const dbMet = db.downloads === 1 && db.scans === 4;
    const stage = (name: string) => `${name} ${result.stages[name]!.toFixed(0)} ms`;
    return {
      name: 'trivy-gate',
      metTargets: timeMet && memoryMet && dbMet,
      lines: [
        `report: ${FINDINGS} findings (${(fs.statSync(reportFile).size / 2 ** 20).toFixed(1)} MiB of Trivy JSON), 200 ignores, 100 VEX statements, a baseline`,
        `policy + SARIF + summary: ${gate.toFixed(0)} ms median of ${ROUNDS} (target < ${TIME_TARGET_MS} ms) ${timeMet ? 'met' : 'MISSED'}`,
        `  ${['parse', 'policy', 'sarif', 'summary'].map(stage).join(', ')}`,
        `peer (JSON.parse + JSON.stringify of the same report): ${peer.toFixed(0)} ms; ratio gate/peer ${(gate / peer).toFixed(2)}`,
        `peak memory, one pass in a fresh process, with a 25,000-finding baseline loaded first: ${memory.maxRssMb.toFixed(0)} MB (target < ${MEMORY_TARGET_MB} MB; Node alone ${memory.startRssMb.toFixed(0)} MB) ${memoryMet ? 'met' : 'MISSED'}`,
        `peak memory, one pass without a baseline: ${memoryAlone.maxRssMb.toFixed(0)} MB`,
        `output: ${result.blocking} blocking, SARIF ${(result.sarifBytes / 2 ** 20).toFixed(1)} MiB, summary ${(result.summaryBytes / 1024).toFixed(0)} KiB`,
        `machine load while measuring: ${os.loadavg()[0]!.toFixed(1)} (1-minute average) on ${os.cpus().length} cores; timings scale with it, the peer's too`,
        `four images through the bundle: ${db.downloads} DB download(s) for ${db.scans} scans in ${(db.ms / 1000).toFixed(1)} s (target: 1 download) ${dbMet ? 'met' : 'MISSED'}`,
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
