import { SummaryBuilder } from '@alt-las/action-kit';
import type { LatencyBucket } from './latency-stats';
import type { LoadRun } from './load-test';
import type { VerifyReport } from './report';
import { CATEGORIES, countByStatus, type CheckStatus } from './results';

const ICON: Record<CheckStatus, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  skip: '⏭️ skipped',
  planned: '📝 planned',
};

/** A Mermaid bar chart of the latency buckets; GitHub renders it in the job summary. */
export function latencyChart(buckets: LatencyBucket[]): string {
  const labels = buckets.map((bucket) => `"${bucket.label}"`).join(', ');
  const counts = buckets.map((bucket) => bucket.count).join(', ');
  return [
    'xychart-beta',
    '  title "Load test latency distribution"',
    `  x-axis "latency" [${labels}]`,
    '  y-axis "requests"',
    `  bar [${counts}]`,
  ].join('\n');
}

function loadSection(summary: SummaryBuilder, load: LoadRun, report: VerifyReport): void {
  const t = report.thresholds;
  summary.heading('Load test', 3);
  summary.paragraph(
    `${load.method} ${load.url}: ${load.connections} connections for ${(load.durationMs / 1000).toFixed(1)}s, ${load.requests} requests, ${load.rps.toFixed(1)} requests/s, error rate ${(load.errorRate * 100).toFixed(2)}%`,
  );
  summary.table(
    ['', 'min', 'p50', 'p90', 'p95', 'p99', 'max', 'mean'],
    [
      [
        'latency (ms)',
        load.latency.min,
        load.latency.p50,
        load.latency.p90,
        load.latency.p95,
        load.latency.p99,
        load.latency.max,
        load.latency.mean,
      ],
      ['limit (ms)', '', '', '', t.p95Ms, t.p99Ms ?? '', '', ''],
    ],
  );
  if (load.histogram.length > 0) {
    summary.code(latencyChart(load.histogram), 'mermaid');
    summary.table(
      ['Latency', 'Requests'],
      load.histogram.map((bucket) => [bucket.label, bucket.count]),
    );
  }
}

/** Which backends the gateway reached: smoke requests tagged with the service they should land on. */
function routesSection(summary: SummaryBuilder, report: VerifyReport): void {
  const routes = new Map<string, { passed: number; failed: number }>();
  for (const result of report.checks) {
    const service = result.category === 'smoke' ? result.details?.service : undefined;
    if (typeof service !== 'string') continue;
    const entry = routes.get(service) ?? { passed: 0, failed: 0 };
    if (result.status === 'pass') entry.passed++;
    else if (result.status === 'fail') entry.failed++;
    routes.set(service, entry);
  }
  if (routes.size === 0) return;
  summary.heading('Gateway routes', 3);
  summary.table(
    ['Backend', 'Requests passed', 'Requests failed', 'Routed'],
    [...routes].map(([service, entry]) => [
      service,
      entry.passed,
      entry.failed,
      entry.failed === 0 && entry.passed > 0 ? '✅' : '❌',
    ]),
  );
}

/** The job summary: the verdict first, then one table per category and the load test's numbers. */
export function renderSummary(
  report: VerifyReport,
  notes: string[] = [],
  summary = new SummaryBuilder(),
): SummaryBuilder {
  const planned = report.verdict === 'planned';
  const headline = planned ? '📝 dry run (nothing sent)' : report.verdict === 'pass' ? '✅ pass' : '❌ fail';
  summary.heading(`post-deploy-verify: ${headline}`);
  summary.paragraph(
    `Target \`${report.baseUrl}\`; failing categories: ${report.failOn.join(', ') || 'none'}.`,
  );
  summary.table(
    ['Category', 'Passed', 'Failed', 'Skipped', ...(planned ? ['Planned'] : []), 'Blocks the step'],
    CATEGORIES.map((category) => {
      const counts = countByStatus(report.checks.filter((result) => result.category === category));
      return [
        category,
        counts.pass,
        counts.fail,
        counts.skip,
        ...(planned ? [counts.planned] : []),
        report.failOn.includes(category) ? 'yes' : 'no',
      ];
    }),
  );
  for (const note of notes) summary.paragraph(`> ${note}`);
  if (report.failures.length > 0) {
    summary.heading('Failures', 3);
    summary.list(
      report.failures.map((failure) => `**${failure.category} / ${failure.name}**: ${failure.message}`),
    );
  }
  if (report.advisories.length > 0) {
    summary.heading('Failures outside fail-on (not blocking)', 3);
    summary.list(
      report.advisories.map((failure) => `**${failure.category} / ${failure.name}**: ${failure.message}`),
    );
  }
  routesSection(summary, report);
  if (report.load) loadSection(summary, report.load, report);
  for (const category of CATEGORIES) {
    const rows = report.checks.filter((result) => result.category === category);
    if (rows.length === 0) continue;
    summary.heading(category[0]!.toUpperCase() + category.slice(1), 3);
    summary.table(
      ['Check', 'Result', 'Detail'],
      rows.map((result) => [result.name, ICON[result.status], result.message]),
    );
  }
  return summary;
}
