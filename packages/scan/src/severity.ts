/** Trivy's severities, most severe first. */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type SeverityCounts = Record<Severity, number>;

const RANK: Record<Severity, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 };

/** Anything Trivy did not grade (or graded with a value we do not know) counts as UNKNOWN. */
export function toSeverity(value: unknown): Severity {
  const upper = String(value ?? '').toUpperCase();
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'UNKNOWN';
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** True when `severity` is `threshold` or worse. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return RANK[severity] >= RANK[threshold];
}

export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[b] - RANK[a];
}

export function emptyCounts(): SeverityCounts {
  return { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
}

/** SARIF result level the way Trivy maps it: CRITICAL/HIGH error, MEDIUM warning, LOW/UNKNOWN note. */
export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'CRITICAL' || severity === 'HIGH') return 'error';
  if (severity === 'MEDIUM') return 'warning';
  return 'note';
}

/**
 * GitHub ranks code scanning alerts by `security-severity` (a CVSS-like 0-10 score): above 9 critical,
 * 7-8.9 high, 4-6.9 medium, below 4 low. Without a CVSS score a severity gets a score in its band.
 */
export const SEVERITY_SCORE: Record<Severity, number> = {
  CRITICAL: 9.5,
  HIGH: 8.0,
  MEDIUM: 5.5,
  LOW: 2.0,
  UNKNOWN: 0.0,
};
