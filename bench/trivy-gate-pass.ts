// One gate pass over a Trivy report, as trivy-gate does it per image: parse, policy (with ignores,
// VEX and a baseline), SARIF and summary. Run bundled on the runner's Node by trivy-gate.bench.ts:
// `node pass.mjs <report.json> <rounds> [no-baseline]` prints one JSON line of timings and peak memory.
import * as fs from 'node:fs';
import { SummaryBuilder } from '@alt-las/action-kit';
import {
  Baseline,
  buildSarif,
  parseIgnoreFile,
  parseVex,
  PolicyEvaluator,
  writeScanSummary,
  readTrivyReport,
  type Finding,
} from '@alt-las/scan';

const IMAGE = 'ghcr.io/alt-las/alt-las-api-gateway';

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface WorkerResult {
  gateMs: number[];
  peerMs: number[];
  stages: Record<string, number>;
  blocking: number;
  sarifBytes: number;
  summaryBytes: number;
  maxRssMb: number;
  startRssMb: number;
}

function previousFindings(reportFile: string): Finding[] {
  return readTrivyReport(fs.readFileSync(reportFile)).findings.filter((_, i) => i % 2 === 0);
}

/**
 * Runs in a fresh process: with one round its peak resident memory is one gate pass over the
 * report (plus Node and tsx); with several, the median time is taken.
 */
export function worker(reportFile: string, rounds: number, withBaseline: boolean): WorkerResult {
  const startRssMb = process.memoryUsage().rss / 2 ** 20;
  const ignores = parseIgnoreFile(
    Array.from(
      { length: 200 },
      (_, i) => `- id: CVE-2025-${10000 + i * 7}\n  reason: accepted\n  expires: 2099-01-01\n`,
    ).join(''),
    'ignores.yaml',
  );
  const vex = parseVex(
    JSON.stringify({
      statements: Array.from({ length: 100 }, (_, i) => ({
        vulnerability: { name: `CVE-2025-${10003 + i * 11}` },
        status: 'not_affected',
      })),
    }),
    'vex.json',
  );
  // As in the action, the baseline (the previous release's report: every other finding of this one)
  // is loaded once before the images are scanned and keeps only finding keys.
  const baseline = new Baseline('previous');
  if (withBaseline) baseline.add(['api-gateway'], previousFindings(reportFile));
  const known = withBaseline ? baseline.lookup(['api-gateway'])! : undefined;
  const gateMs: number[] = [];
  const peerMs: number[] = [];
  const stages: Record<string, number[]> = { parse: [], policy: [], sarif: [], summary: [] };
  let blocking = 0;
  let sarifBytes = 0;
  let summaryBytes = 0;
  for (let round = 0; round < rounds; round++) {
    // Peer: the least any tool must do with the report, read it and write it back.
    let t = performance.now();
    if (rounds > 1) {
      JSON.stringify(JSON.parse(fs.readFileSync(reportFile, 'utf8')));
      peerMs.push(performance.now() - t);
    }

    t = performance.now();
    const started = t;
    const findings = readTrivyReport(fs.readFileSync(reportFile)).findings;
    stages.parse!.push(performance.now() - t);
    t = performance.now();
    const policy = {
      failOnSeverity: 'HIGH' as const,
      ignoreUnfixed: true,
      failOn: 'all' as const,
      ignores,
      vex,
      now: new Date(),
    };
    const evaluator = new PolicyEvaluator(policy);
    const evaluation = evaluator.evaluate(findings, {
      imageName: IMAGE,
      isKnown: known ? (f) => baseline.isKnown(known, f) : undefined,
    });
    const review = evaluator.reviewIgnores();
    stages.policy!.push(performance.now() - t);
    t = performance.now();
    const sarif = JSON.stringify(
      buildSarif({
        imageName: IMAGE,
        category: 'trivy-api-gateway',
        artifact: IMAGE,
        evaluated: evaluation.evaluated,
      }),
    );
    stages.sarif!.push(performance.now() - t);
    t = performance.now();
    const summary = new SummaryBuilder();
    writeScanSummary(summary, {
      outcomes: [{ target: { name: 'api-gateway', image: IMAGE }, evaluation, baselineFound: withBaseline }],
      policy,
      review,
      verdict: evaluation.verdict,
      trivyVersion: '0.69.3',
      baseline: withBaseline ? 'previous' : undefined,
    });
    const markdown = summary.toString();
    stages.summary!.push(performance.now() - t);
    gateMs.push(performance.now() - started);
    blocking = evaluation.blocking.length;
    sarifBytes = sarif.length;
    summaryBytes = Buffer.byteLength(markdown);
  }
  return {
    gateMs,
    peerMs,
    stages: Object.fromEntries(Object.entries(stages).map(([name, values]) => [name, median(values)])),
    blocking,
    sarifBytes,
    summaryBytes,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    startRssMb,
  };
}

if (process.argv[2] && process.argv[2].endsWith('.json')) {
  console.log(
    JSON.stringify(worker(process.argv[2], Number(process.argv[3] ?? 5), process.argv[4] !== 'no-baseline')),
  );
}
