import { ruleMatches, type IgnoreRule } from './ignore-file';
import { atLeast, emptyCounts, type Severity, type SeverityCounts } from './severity';
import { isUnfixed, type Finding } from './trivy-report';
import { vexCovers, type VexStatement } from './vex';

export interface Policy {
  /** Lowest severity that blocks. */
  failOnSeverity: Severity;
  ignoreUnfixed: boolean;
  /** `new`: only findings absent from the baseline block. */
  failOn: 'all' | 'new';
  ignores: IgnoreRule[];
  vex: VexStatement[];
  now: Date;
}

/**
 * What the policy made of a finding. Only `blocking` fails the gate; `known` is a blocking-grade
 * finding that the baseline already had while `fail-on: new`.
 */
export type Disposition = 'blocking' | 'known' | 'below-threshold' | 'unfixed' | 'ignored' | 'not-affected';

export interface Evaluated {
  finding: Finding;
  disposition: Disposition;
  /** Set when a baseline was given. */
  novelty?: 'new' | 'known';
  rule?: IgnoreRule;
  vex?: VexStatement;
  /** An expired ignore that would have matched: it no longer applies and is called out. */
  expiredRule?: IgnoreRule;
}

export interface ImageEvaluation {
  /** Findings by severity that were not ignored or declared not affected. */
  counts: SeverityCounts;
  evaluated: Evaluated[];
  blocking: Evaluated[];
  verdict: 'pass' | 'fail';
}

export interface EvaluationContext {
  imageName: string;
  /** Keys of the image's findings in the baseline; undefined without a baseline (or no report for it). */
  isKnown?: (finding: Finding) => boolean;
}

function indexBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(key(item));
    if (list) list.push(item);
    else map.set(key(item), [item]);
  }
  return map;
}

/** Applies a policy to findings; a `PolicyEvaluator` is reused across the images of one run. */
export class PolicyEvaluator {
  private readonly rulesById: Map<string, IgnoreRule[]>;
  private readonly vexById: Map<string, VexStatement[]>;
  /** How many findings each rule ignored (or would have, when expired), across every image. */
  readonly ruleHits = new Map<IgnoreRule, number>();

  constructor(readonly policy: Policy) {
    this.rulesById = indexBy(policy.ignores, (rule) => rule.id);
    this.vexById = indexBy(policy.vex, (statement) => statement.vulnerability);
  }

  isExpired(rule: IgnoreRule): boolean {
    return rule.expires !== undefined && rule.expires.getTime() < this.policy.now.getTime();
  }

  evaluate(findings: Finding[], context: EvaluationContext): ImageEvaluation {
    const counts = emptyCounts();
    const evaluated: Evaluated[] = [];
    const blocking: Evaluated[] = [];
    for (const finding of findings) {
      const item = this.judge(finding, context);
      evaluated.push(item);
      if (item.disposition !== 'ignored' && item.disposition !== 'not-affected') counts[finding.severity]++;
      if (item.disposition === 'blocking') blocking.push(item);
    }
    return { counts, evaluated, blocking, verdict: blocking.length > 0 ? 'fail' : 'pass' };
  }

  private judge(finding: Finding, context: EvaluationContext): Evaluated {
    const novelty = context.isKnown ? (context.isKnown(finding) ? 'known' : 'new') : undefined;
    const base = { finding, novelty } as Evaluated;
    const statement = this.vexById
      .get(finding.id)
      ?.find((candidate) => vexCovers(candidate, finding, context.imageName));
    if (statement) return { ...base, disposition: 'not-affected', vex: statement };

    let expiredRule: IgnoreRule | undefined;
    for (const rule of this.rulesById.get(finding.id) ?? []) {
      if (!ruleMatches(rule, finding)) continue;
      this.ruleHits.set(rule, (this.ruleHits.get(rule) ?? 0) + 1);
      if (this.isExpired(rule)) {
        expiredRule ??= rule;
        continue;
      }
      return { ...base, disposition: 'ignored', rule };
    }
    if (expiredRule) base.expiredRule = expiredRule;
    if (!atLeast(finding.severity, this.policy.failOnSeverity))
      return { ...base, disposition: 'below-threshold' };
    if (this.policy.ignoreUnfixed && isUnfixed(finding)) return { ...base, disposition: 'unfixed' };
    if (this.policy.failOn === 'new' && novelty === 'known') return { ...base, disposition: 'known' };
    return { ...base, disposition: 'blocking' };
  }

  /** What to tell users about their ignore file after every image was evaluated. */
  reviewIgnores(expiryWarningDays = 14): IgnoreReview {
    const soon = this.policy.now.getTime() + expiryWarningDays * 86_400_000;
    const review: IgnoreReview = { expired: [], unused: [], expiringSoon: [] };
    for (const rule of this.policy.ignores) {
      const hits = this.ruleHits.get(rule) ?? 0;
      if (this.isExpired(rule)) review.expired.push({ rule, hits });
      else if (hits === 0) review.unused.push(rule);
      else if (rule.expires && rule.expires.getTime() <= soon) review.expiringSoon.push(rule);
    }
    return review;
  }
}

export interface IgnoreReview {
  /** Expired rules (they ignore nothing any more); `hits` says how many findings they would have matched. */
  expired: { rule: IgnoreRule; hits: number }[];
  /** Rules that matched no finding in any image. */
  unused: IgnoreRule[];
  /** Rules in use that expire within the warning window. */
  expiringSoon: IgnoreRule[];
}
