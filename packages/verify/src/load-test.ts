import autocannon from 'autocannon';
import type { Logger } from '@alt-las/action-kit';
import type { LoadProfile } from './checks-plan';
import {
  LatencyRecorder,
  latencyHistogram,
  summarizeLatencies,
  type LatencyBucket,
  type LatencySummary,
} from './latency-stats';
import { check, type CheckResult } from './results';

export interface LoadRun {
  url: string;
  method: string;
  connections: number;
  durationMs: number;
  /** Responses received plus requests that ended in a network error or timeout. */
  requests: number;
  failed: number;
  errorRate: number;
  rps: number;
  statusCodes: Record<string, number>;
  networkErrors: number;
  latency: LatencySummary;
  histogram: LatencyBucket[];
}

export interface LoadOptions {
  url: string;
  profile: LoadProfile;
  connections: number;
  durationMs: number;
  /** Sent with every request (the Authorization header); never stored in the result. */
  extraHeaders: Record<string, string>;
  logger: Logger;
}

/**
 * Runs autocannon against one URL. Latencies are recorded per response (autocannon reports p90 and
 * p97.5 but not p95), and every answer outside 2xx/3xx or without an answer counts as failed.
 * autocannon does not verify certificates; the health checks before it do, and a failed health
 * check skips the load test.
 */
export async function runLoadTest(options: LoadOptions): Promise<LoadRun> {
  const { profile } = options;
  const recorder = new LatencyRecorder();
  const instance = autocannon({
    url: options.url,
    method: profile.method,
    headers: { ...profile.headers, ...options.extraHeaders },
    body: profile.body,
    connections: options.connections,
    duration: options.durationMs / 1000,
    timeout: Math.max(1, Math.ceil(profile.timeoutMs / 1000)),
    overallRate: profile.rate,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
    recorder.record(responseTime),
  );
  let progress = 0;
  instance.on('tick', () => {
    progress++;
    if (progress % 10 === 0)
      options.logger.info(`load test: ${progress}s, ${recorder.count} responses so far`);
  });
  const result = await instance;
  const sorted = recorder.sorted();
  const failed = result['4xx'] + result['5xx'] + result.errors;
  const requests = result.requests.total + result.errors;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
  );
  return {
    url: options.url,
    method: profile.method,
    connections: options.connections,
    durationMs: Math.round(result.duration * 1000),
    requests,
    failed,
    errorRate: requests === 0 ? 1 : failed / requests,
    rps: result.duration > 0 ? result.requests.total / result.duration : 0,
    statusCodes,
    networkErrors: result.errors,
    latency: summarizeLatencies(sorted),
    histogram: latencyHistogram(sorted),
  };
}

export interface LoadThresholds {
  p95Ms: number;
  p99Ms?: number;
  maxErrorRate: number;
  minRps?: number;
}

const percent = (rate: number) => `${(rate * 100).toFixed(rate < 0.01 && rate > 0 ? 3 : 2)}%`;

/** One check per threshold, so the summary shows which limit was broken and by how much. */
export function evaluateLoad(run: LoadRun, thresholds: LoadThresholds): CheckResult[] {
  const results: CheckResult[] = [];
  const within = (name: string, ok: boolean, message: string) =>
    results.push(check('load', name, ok ? 'pass' : 'fail', message));
  if (run.requests === 0) {
    return [
      check('load', 'requests', 'fail', `no request completed in ${run.durationMs}ms against ${run.url}`),
    ];
  }
  const codes = Object.entries(run.statusCodes)
    .map(([code, count]) => `${count}x${code}`)
    .join(', ');
  within(
    'error rate',
    run.errorRate <= thresholds.maxErrorRate,
    `${percent(run.errorRate)} of ${run.requests} requests failed (limit ${percent(thresholds.maxErrorRate)}; ${codes || 'no answers'}${run.networkErrors ? `, ${run.networkErrors} network errors/timeouts` : ''})`,
  );
  within(
    'p95 latency',
    run.latency.p95 <= thresholds.p95Ms,
    `p95 ${run.latency.p95}ms (limit ${thresholds.p95Ms}ms)`,
  );
  if (thresholds.p99Ms !== undefined) {
    within(
      'p99 latency',
      run.latency.p99 <= thresholds.p99Ms,
      `p99 ${run.latency.p99}ms (limit ${thresholds.p99Ms}ms)`,
    );
  }
  if (thresholds.minRps !== undefined) {
    within(
      'throughput',
      run.rps >= thresholds.minRps,
      `${run.rps.toFixed(1)} requests/s (minimum ${thresholds.minRps})`,
    );
  }
  return results;
}
