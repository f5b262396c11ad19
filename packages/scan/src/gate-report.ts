import type { AnnotationBudget } from '@alt-las/action-kit';
import type { IgnoreReview, Policy } from './policy';
import { describeFinding, type ImageOutcome } from './scan-summary';
import type { DbOutcome } from './trivy-db';

const day = (date: Date | undefined) => date?.toISOString().slice(0, 10) ?? '';

/** Annotations: scan failures and blocking findings as errors, ignore-file problems as warnings and notices. */
export function annotateGate(
  budget: AnnotationBudget,
  outcomes: ImageOutcome[],
  review: IgnoreReview,
  redact: (text: string) => string,
): void {
  for (const outcome of outcomes) {
    if (outcome.error)
      budget.add({ level: 'error', title: 'Trivy scan failed', message: redact(outcome.error) });
    for (const { finding } of outcome.evaluation?.blocking ?? []) {
      budget.add({
        level: 'error',
        title: `Blocking ${finding.severity} finding`,
        message: describeFinding(outcome.target.name, finding),
      });
    }
  }
  for (const { rule, hits } of review.expired) {
    budget.add({
      level: 'warning',
      title: 'Expired ignore',
      message: `${rule.id} (${rule.where}) expired on ${day(rule.expires)}; it matched ${hits} finding(s), which are no longer ignored`,
    });
  }
  for (const rule of review.expiringSoon) {
    budget.add({
      level: 'warning',
      title: 'Ignore expires soon',
      message: `${rule.id} (${rule.where}) expires on ${day(rule.expires)}`,
    });
  }
  for (const rule of review.unused) {
    budget.add({
      level: 'notice',
      title: 'Unused ignore',
      message: `${rule.id} (${rule.where}) matched no finding`,
    });
  }
}

/** The gate's verdict and, when it fails, why: scanner failures first, then what blocks. */
export function gateVerdict(
  outcomes: ImageOutcome[],
  policy: Policy,
): { verdict: 'pass' | 'fail'; problems: string[] } {
  const problems = outcomes.filter((outcome) => outcome.error).map((outcome) => outcome.error!);
  const blocking = outcomes.flatMap((outcome) =>
    (outcome.evaluation?.blocking ?? []).map((item) => describeFinding(outcome.target.name, item.finding)),
  );
  if (blocking.length > 0) {
    const more = blocking.length > 5 ? `; and ${blocking.length - 5} more (see the job summary)` : '';
    problems.push(
      `policy failed: ${blocking.length} blocking finding(s) at or above ${policy.failOnSeverity}: ${blocking.slice(0, 5).join('; ')}${more}`,
    );
  }
  return { verdict: problems.length > 0 ? 'fail' : 'pass', problems };
}

/** One line on where the vulnerability DB came from, for the summary. */
export function describeDb(db: DbOutcome): string {
  const when = db.downloadedAt
    ? ` (downloaded ${db.downloadedAt.toISOString().replace(/\.\d+Z$/, 'Z')})`
    : '';
  if (db.source === 'stale-cache')
    return `vulnerability DB: every repository failed, used the cached DB${when}`;
  const fallback = db.failures.length > 0 ? ` after ${db.failures.length} failed repository(ies)` : '';
  return `vulnerability DB from ${db.repository}${fallback}${when}`;
}
