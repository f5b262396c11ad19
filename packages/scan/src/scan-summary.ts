import { escapeCell, type SummaryBuilder } from '@alt-las/action-kit';
import type { IgnoreRule } from './ignore-file';
import type { Evaluated, IgnoreReview, ImageEvaluation, Policy } from './policy';
import { SARIF_MAX_RESULTS } from './sarif';
import type { ScanTarget } from './scan-targets';
import { SEVERITIES, compareSeverity } from './severity';
import type { Finding } from './trivy-report';

export interface ImageOutcome {
  target: ScanTarget;
  evaluation?: ImageEvaluation;
  /** Scanner failure for this image ("scanner failed: ..."). */
  error?: string;
  /** Whether a baseline report was found for this image (undefined without a baseline). */
  baselineFound?: boolean;
  /** Trivy's JSON report and the SARIF written for this image. */
  reportFile?: string;
  sarifFile?: string;
  /** Findings left out of the SARIF (over code scanning's limit). */
  sarifOmitted?: number;
  trivyVersion?: string;
}

export interface SummaryInput {
  outcomes: ImageOutcome[];
  policy: Policy;
  review: IgnoreReview;
  verdict: 'pass' | 'fail';
  trivyVersion: string;
  dbNote?: string;
  baseline?: string;
  /** The annotation budget's note on what was not annotated. */
  annotationsNote?: string;
  /** Rows per findings table; the rest are counted and left to the report files and SARIF. */
  maxRows?: number;
}

const date = (value: Date | undefined) => (value ? value.toISOString().slice(0, 10) : 'never');

function idCell(finding: Finding): string {
  const id = escapeCell(finding.id);
  return finding.url ? `[${id}](${finding.url})` : id;
}

function packageCell(finding: Finding): string {
  if (finding.kind === 'secret') return `${finding.target}${finding.line ? `:${finding.line}` : ''}`;
  return finding.pkgName ?? '';
}

function bySeverity(items: Evaluated[]): Evaluated[] {
  return [...items].sort(
    (a, b) =>
      compareSeverity(a.finding.severity, b.finding.severity) || a.finding.id.localeCompare(b.finding.id),
  );
}

function limited(items: Evaluated[], max: number): { rows: Evaluated[]; more: number } {
  return {
    rows: items.length > max ? bySeverity(items).slice(0, max) : bySeverity(items),
    more: Math.max(0, items.length - max),
  };
}

/** A one-line description of a blocking finding, for annotations and failure messages. */
export function describeFinding(image: string, finding: Finding): string {
  if (finding.kind === 'secret')
    return `${image}: secret ${finding.id} (${finding.severity}) in ${finding.target}${finding.line ? `:${finding.line}` : ''}`;
  const fixed = finding.fixed ? `fixed in ${finding.fixed}` : 'no fix yet';
  return `${image}: ${finding.id} (${finding.severity}) in ${finding.pkgName ?? '?'} ${finding.installed ?? ''} (${fixed}): ${finding.title}`;
}

function ruleLabel(rule: IgnoreRule): string {
  return `\`${rule.id}\`${rule.package ? ` (${rule.package})` : ''} at ${rule.where}`;
}

/** The job summary: verdict, counts per image, blocking and ignored findings, and the ignore file's review. */
export function writeScanSummary(summary: SummaryBuilder, input: SummaryInput): void {
  const max = input.maxRows ?? 100;
  const { policy } = input;
  const failedScans = input.outcomes.filter((outcome) => outcome.error);
  summary.heading(`trivy-gate: ${input.verdict === 'pass' ? 'pass' : 'fail'}`);
  summary.paragraph(
    [
      `Trivy ${input.trivyVersion}; blocks ${policy.failOnSeverity} and above`,
      policy.ignoreUnfixed ? 'unfixed vulnerabilities do not block' : 'unfixed vulnerabilities block too',
      policy.failOn === 'new'
        ? `only findings new since the baseline block`
        : 'every blocking finding fails the gate',
      input.dbNote,
    ]
      .filter(Boolean)
      .join('; ') + '.',
  );
  if (failedScans.length > 0) {
    summary.paragraph(`**${failedScans.length} scan(s) failed**; their images have no verdict:`);
    summary.list(failedScans.map((outcome) => escapeCell(outcome.error)));
  }
  const withBaseline = input.baseline !== undefined;
  summary.table(
    ['Image', ...SEVERITIES, 'Blocking', ...(withBaseline ? ['New', 'Known'] : []), 'Ignored', 'Verdict'],
    input.outcomes.map(({ target, evaluation, error, baselineFound }) => {
      if (!evaluation)
        return [
          target.name,
          ...SEVERITIES.map(() => ''),
          '',
          ...(withBaseline ? ['', ''] : []),
          '',
          error ? 'scan failed' : '',
        ];
      const active = evaluation.evaluated.filter(
        (item) => item.disposition !== 'ignored' && item.disposition !== 'not-affected',
      );
      const suppressed = evaluation.evaluated.length - active.length;
      const newCount = active.filter((item) => item.novelty === 'new').length;
      return [
        target.name,
        ...SEVERITIES.map((severity) => evaluation.counts[severity]),
        evaluation.blocking.length,
        ...(withBaseline
          ? baselineFound
            ? [newCount, active.length - newCount]
            : ['all (no baseline report)', 0]
          : []),
        suppressed,
        evaluation.verdict,
      ];
    }),
  );
  for (const { target, evaluation } of input.outcomes) {
    if (!evaluation) continue;
    const blocking = limited(evaluation.blocking, max);
    if (blocking.rows.length > 0) {
      summary.heading(`${target.name}: ${evaluation.blocking.length} blocking finding(s)`, 3);
      summary.table(
        ['ID', 'Severity', 'Package', 'Installed', 'Fixed', 'Title', ...(withBaseline ? ['Baseline'] : [])],
        blocking.rows.map(({ finding, novelty }) => [
          idCell(finding),
          finding.severity,
          packageCell(finding),
          finding.installed ?? '',
          finding.fixed ?? '',
          finding.title,
          ...(withBaseline ? [novelty ?? ''] : []),
        ]),
      );
      if (blocking.more > 0)
        summary.paragraph(`${blocking.more} more blocking finding(s) are in the report and the SARIF file.`);
    }
    const known = evaluation.evaluated.filter((item) => item.disposition === 'known');
    if (known.length > 0) {
      summary.paragraph(
        `${target.name}: ${known.length} finding(s) at or above ${policy.failOnSeverity} were already in the baseline and do not block (fail-on: new).`,
      );
    }
    const unfixed = limited(
      evaluation.evaluated.filter((item) => item.disposition === 'unfixed'),
      max,
    );
    if (unfixed.rows.length > 0) {
      summary.details(
        `${target.name}: ${unfixed.rows.length + unfixed.more} finding(s) at or above ${policy.failOnSeverity} with no fix yet (not blocking)`,
        `\n${[
          '| ID | Severity | Package | Installed | Status | Title |',
          '| --- | --- | --- | --- | --- | --- |',
          ...unfixed.rows.map(
            ({ finding }) =>
              `| ${idCell(finding)} | ${finding.severity} | ${escapeCell(finding.pkgName)} | ${escapeCell(finding.installed)} | ${escapeCell(finding.status)} | ${escapeCell(finding.title)} |`,
          ),
        ].join('\n')}${unfixed.more > 0 ? `\n\n${unfixed.more} more are in the report.` : ''}`,
      );
    }
    const suppressed = limited(
      evaluation.evaluated.filter(
        (item) => item.disposition === 'ignored' || item.disposition === 'not-affected',
      ),
      max,
    );
    if (suppressed.rows.length > 0) {
      summary.details(
        `${target.name}: ${suppressed.rows.length + suppressed.more} ignored finding(s)`,
        `\n${[
          '| ID | Severity | Package | Reason | Expires |',
          '| --- | --- | --- | --- | --- |',
          ...suppressed.rows.map(
            ({ finding, rule, vex }) =>
              `| ${idCell(finding)} | ${finding.severity} | ${escapeCell(packageCell(finding))} | ${escapeCell(rule ? rule.reason : `VEX not_affected${vex?.justification ? `: ${vex.justification}` : ''}`)} | ${rule ? date(rule.expires) : ''} |`,
          ),
        ].join('\n')}${suppressed.more > 0 ? `\n\n${suppressed.more} more are in the report.` : ''}`,
      );
    }
  }
  const { expired, unused, expiringSoon } = input.review;
  if (expired.length + unused.length + expiringSoon.length > 0) {
    summary.heading('Ignore file', 3);
    summary.list([
      ...expired.map(
        ({ rule, hits }) =>
          `**Expired** on ${date(rule.expires)}: ${ruleLabel(rule)} no longer ignores anything${hits > 0 ? ` (${hits} finding(s) it matched are judged again)` : ''}. Reason was: ${escapeCell(rule.reason)}`,
      ),
      ...expiringSoon.map((rule) => `Expires soon (${date(rule.expires)}): ${ruleLabel(rule)}`),
      ...unused.map((rule) => `Unused: ${ruleLabel(rule)} matched no finding in any image`),
    ]);
  }
  for (const { target, sarifOmitted } of input.outcomes) {
    if (sarifOmitted) {
      summary.paragraph(
        `${target.name}: the SARIF keeps the ${SARIF_MAX_RESULTS} most important findings; ${sarifOmitted} more are only in the report (code scanning shows ${SARIF_MAX_RESULTS} per run).`,
      );
    }
  }
  if (input.annotationsNote) summary.paragraph(input.annotationsNote);
}
