import {
  evaluateLoad,
  LatencyRecorder,
  latencyChart,
  latencyHistogram,
  percentile,
  summarizeLatencies,
  type LoadRun,
} from '@alt-las/verify';

const sorted = (values: number[]) => {
  const recorder = new LatencyRecorder();
  for (const value of values) recorder.record(value);
  return recorder.sorted();
};

test('nearest-rank percentiles over recorded latencies', () => {
  const values = sorted(Array.from({ length: 100 }, (_, index) => 100 - index)); // recorded out of order
  expect(percentile(values, 50)).toBe(50);
  expect(percentile(values, 95)).toBe(95);
  expect(percentile(values, 99)).toBe(99);
  expect(percentile(values, 100)).toBe(100);
  expect(summarizeLatencies(values)).toEqual({
    count: 100,
    min: 1,
    mean: 50.5,
    p50: 50,
    p90: 90,
    p95: 95,
    p99: 99,
    max: 100,
  });
  expect(summarizeLatencies(sorted([]))).toEqual({
    count: 0,
    min: 0,
    mean: 0,
    p50: 0,
    p90: 0,
    p95: 0,
    p99: 0,
    max: 0,
  });
});

test('the recorder grows past its first block', () => {
  const values = sorted(Array.from({ length: 10_000 }, (_, index) => index % 7));
  expect(values.length).toBe(10_000);
  expect(values[9_999]).toBe(6);
});

test('the histogram keeps only the occupied range and the chart plots it', () => {
  const buckets = latencyHistogram(sorted([3, 4, 4.9, 12, 130, 131]));
  expect(buckets).toEqual([
    { label: '2-5ms', count: 3 },
    { label: '5-10ms', count: 0 },
    { label: '10-20ms', count: 1 },
    { label: '20-50ms', count: 0 },
    { label: '50-100ms', count: 0 },
    { label: '100-200ms', count: 2 },
  ]);
  expect(latencyHistogram(sorted([0.2, 7000]))).toEqual(
    expect.arrayContaining([
      { label: '<1ms', count: 1 },
      { label: '>=5000ms', count: 1 },
    ]),
  );
  expect(latencyChart(buckets)).toBe(
    [
      'xychart-beta',
      '  title "Load test latency distribution"',
      '  x-axis "latency" ["2-5ms", "5-10ms", "10-20ms", "20-50ms", "50-100ms", "100-200ms"]',
      '  y-axis "requests"',
      '  bar [3, 0, 1, 0, 0, 2]',
    ].join('\n'),
  );
});

test('load thresholds: each limit is its own check', () => {
  const run: LoadRun = {
    url: 'http://127.0.0.1/health',
    method: 'GET',
    connections: 10,
    durationMs: 3000,
    requests: 1000,
    failed: 20,
    errorRate: 0.02,
    rps: 333.3,
    statusCodes: { '200': 980, '503': 20 },
    networkErrors: 0,
    latency: { count: 1000, min: 1, mean: 10, p50: 8, p90: 20, p95: 40, p99: 90, max: 120 },
    histogram: [],
  };
  expect(
    evaluateLoad(run, { p95Ms: 50, p99Ms: 80, maxErrorRate: 0.01, minRps: 300 }).map((c) => [
      c.name,
      c.status,
      c.message,
    ]),
  ).toEqual([
    ['error rate', 'fail', '2.00% of 1000 requests failed (limit 1.00%; 980x200, 20x503)'],
    ['p95 latency', 'pass', 'p95 40ms (limit 50ms)'],
    ['p99 latency', 'fail', 'p99 90ms (limit 80ms)'],
    ['throughput', 'pass', '333.3 requests/s (minimum 300)'],
  ]);
  expect(evaluateLoad({ ...run, requests: 0 }, { p95Ms: 50, maxErrorRate: 0.01 })).toEqual([
    expect.objectContaining({ name: 'requests', status: 'fail' }),
  ]);
});
