export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyBucket {
  /** `<1ms`, `5-10ms`, `>=5000ms` ... */
  label: string;
  count: number;
}

/** Growable store of per-request latencies; typed storage keeps a long run cheap to record. */
export class LatencyRecorder {
  private values = new Float64Array(4096);
  private length = 0;

  record(ms: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }

  get count(): number {
    return this.length;
  }

  /** A sorted copy of everything recorded. */
  sorted(): Float64Array {
    return this.values.slice(0, this.length).sort();
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Nearest-rank percentile of an ascending array: the smallest value with at least p% at or below it. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarizeLatencies(sorted: Float64Array): LatencySummary {
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    min: round(sorted[0] ?? 0),
    mean: round(sorted.length ? total / sorted.length : 0),
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

/** Bucket edges in ms: a 1-2-5 series, which reads well on a bar chart from sub-millisecond to seconds. */
const EDGES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

/** Counts per latency bucket, trimmed to the range that holds requests. */
export function latencyHistogram(sorted: Float64Array): LatencyBucket[] {
  const counts = new Array<number>(EDGES.length + 1).fill(0);
  let bucket = 0;
  for (const value of sorted) {
    while (bucket < EDGES.length && value >= EDGES[bucket]!) bucket++;
    counts[bucket]!++;
  }
  const labels = [
    `<${EDGES[0]}ms`,
    ...EDGES.slice(1).map((edge, index) => `${EDGES[index]}-${edge}ms`),
    `>=${EDGES[EDGES.length - 1]}ms`,
  ];
  const first = counts.findIndex((count) => count > 0);
  if (first < 0) return [];
  const last = counts.length - 1 - [...counts].reverse().findIndex((count) => count > 0);
  return labels.slice(first, last + 1).map((label, index) => ({ label, count: counts[first + index]! }));
}
