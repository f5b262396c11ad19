export const CATEGORIES = ['health', 'smoke', 'load', 'security', 'cluster'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * `skip` is a check that did not run (switched off, or nothing to run it against); it never counts
 * as a pass. `planned` appears only in dry runs.
 */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'planned';

export interface CheckResult {
  category: Category;
  name: string;
  status: CheckStatus;
  message: string;
  durationMs?: number;
  details?: Record<string, unknown>;
}

export interface Failure {
  category: Category;
  name: string;
  message: string;
}

export type Verdict = 'pass' | 'fail';

export const check = (
  category: Category,
  name: string,
  status: CheckStatus,
  message: string,
  extra: Pick<CheckResult, 'durationMs' | 'details'> = {},
): CheckResult => ({ category, name, status, message, ...extra });

/** Failed checks in the categories that `failOn` names decide the verdict; other failures are reported only. */
export function decideVerdict(
  results: CheckResult[],
  failOn: readonly Category[],
): { verdict: Verdict; blocking: Failure[]; advisory: Failure[] } {
  const failures = results
    .filter((result) => result.status === 'fail')
    .map(({ category, name, message }) => ({ category, name, message }));
  const blocking = failures.filter((failure) => failOn.includes(failure.category));
  const advisory = failures.filter((failure) => !failOn.includes(failure.category));
  return { verdict: blocking.length > 0 ? 'fail' : 'pass', blocking, advisory };
}

export function countByStatus(results: CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, skip: 0, planned: 0 };
  for (const result of results) counts[result.status]++;
  return counts;
}
