import type { LoadRun, LoadThresholds } from './load-test';
import { decideVerdict, type Category, type CheckResult, type Failure, type Verdict } from './results';

export interface VerifyReport {
  schemaVersion: 1;
  /** `planned` in a dry run, where nothing was sent. */
  verdict: Verdict | 'planned';
  baseUrl: string;
  startedAt: string;
  finishedAt: string;
  failOn: Category[];
  thresholds: LoadThresholds & { tlsMinDays: number };
  checks: CheckResult[];
  /** Failed checks in the `fail-on` categories: these decided the verdict. */
  failures: Failure[];
  /** Failed checks in other categories: reported, not blocking. */
  advisories: Failure[];
  load?: LoadRun;
}

export function buildReport(input: {
  baseUrl: string;
  startedAt: Date;
  finishedAt: Date;
  failOn: Category[];
  thresholds: VerifyReport['thresholds'];
  checks: CheckResult[];
  load?: LoadRun;
  dryRun: boolean;
}): VerifyReport {
  const { verdict, blocking, advisory } = decideVerdict(input.checks, input.failOn);
  return {
    schemaVersion: 1,
    verdict: input.dryRun ? 'planned' : verdict,
    baseUrl: input.baseUrl,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    failOn: input.failOn,
    thresholds: input.thresholds,
    checks: input.checks,
    failures: blocking,
    advisories: advisory,
    load: input.load,
  };
}
