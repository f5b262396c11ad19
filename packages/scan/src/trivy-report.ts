import { toSeverity, type Severity } from './severity';

/** The parts of Trivy's JSON report (SchemaVersion 2) the gate reads. */
export interface TrivyVulnerability {
  VulnerabilityID: string;
  PkgID?: string;
  PkgName?: string;
  PkgIdentifier?: { PURL?: string; UID?: string };
  InstalledVersion?: string;
  FixedVersion?: string;
  Status?: string;
  Severity?: string;
  SeveritySource?: string;
  PrimaryURL?: string;
  Title?: string;
  Description?: string;
  CVSS?: Record<string, { V3Score?: number; V2Score?: number; V40Score?: number }>;
}

export interface TrivySecret {
  RuleID: string;
  Category?: string;
  Severity?: string;
  Title?: string;
  StartLine?: number;
  EndLine?: number;
  Match?: string;
}

export interface TrivyResult {
  Target: string;
  Class?: string;
  Type?: string;
  Vulnerabilities?: TrivyVulnerability[] | null;
  Secrets?: TrivySecret[] | null;
}

export interface TrivyReport {
  SchemaVersion: 2;
  Trivy?: { Version?: string };
  CreatedAt?: string;
  ArtifactName?: string;
  ArtifactType?: string;
  Metadata?: {
    ImageID?: string;
    RepoTags?: string[] | null;
    RepoDigests?: string[] | null;
    Reference?: string;
    OS?: { Family?: string; Name?: string; EOSL?: boolean };
  };
  Results?: TrivyResult[] | null;
}

/** One vulnerability or exposed secret, flattened out of a report for policy, SARIF and the summary. */
export interface Finding {
  kind: 'vulnerability' | 'secret';
  /** CVE/GHSA id, or the secret rule id. */
  id: string;
  severity: Severity;
  target: string;
  /** `os-pkgs`, `lang-pkgs` or `secret`. */
  resultClass: string;
  resultType?: string;
  pkgName?: string;
  pkgId?: string;
  purl?: string;
  installed?: string;
  fixed?: string;
  status?: string;
  title: string;
  url?: string;
  /** CVSS v3 score from the source Trivy graded the severity by (or NVD). */
  cvssScore?: number;
  line?: number;
}

function cvssScore(vulnerability: TrivyVulnerability): number | undefined {
  const cvss = vulnerability.CVSS ?? {};
  const preferred = [vulnerability.SeveritySource, 'nvd', ...Object.keys(cvss)];
  for (const source of preferred) {
    const score = source ? cvss[source]?.V3Score : undefined;
    if (typeof score === 'number') return score;
  }
  return undefined;
}

type ResultContext = Pick<TrivyResult, 'Target' | 'Class' | 'Type'>;

export function vulnerabilityFinding(v: TrivyVulnerability, result: ResultContext): Finding {
  return {
    kind: 'vulnerability',
    id: v.VulnerabilityID,
    severity: toSeverity(v.Severity),
    target: result.Target,
    resultClass: result.Class ?? 'unknown',
    resultType: result.Type,
    pkgName: v.PkgName,
    pkgId: v.PkgID,
    purl: v.PkgIdentifier?.PURL,
    installed: v.InstalledVersion,
    fixed: v.FixedVersion || undefined,
    status: v.Status,
    title: v.Title || v.Description?.slice(0, 120) || v.VulnerabilityID,
    url: v.PrimaryURL,
    cvssScore: cvssScore(v),
  };
}

export function secretFinding(s: TrivySecret, result: ResultContext): Finding {
  return {
    kind: 'secret',
    id: s.RuleID,
    severity: toSeverity(s.Severity),
    target: result.Target,
    resultClass: result.Class ?? 'secret',
    title: s.Title || s.Category || s.RuleID,
    line: s.StartLine,
  };
}

/** Findings of a report already in memory (the action itself reads files with readTrivyReport). */
export function findingsOf(report: TrivyReport): Finding[] {
  const findings: Finding[] = [];
  for (const result of report.Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) findings.push(vulnerabilityFinding(v, result));
    for (const s of result.Secrets ?? []) findings.push(secretFinding(s, result));
  }
  return findings;
}

/**
 * The target with the scanned artifact's own name taken out: Trivy names OS package results
 * `<artifact> (alpine 3.19.1)`, and the artifact (an archive path or a tag) changes every release.
 */
export function stableTarget(finding: Finding): string {
  if (finding.resultClass === 'os-pkgs') return `os-pkgs:${finding.resultType ?? 'os'}`;
  return finding.target;
}

/** The target as people should read it: `alpine 3.20.3` for OS packages, else the file inside the image. */
export function displayTarget(finding: Finding): string {
  if (finding.resultClass !== 'os-pkgs') return finding.target;
  return /\(([^()]+)\)$/.exec(finding.target)?.[1] ?? finding.resultType ?? finding.target;
}

/** Identity of a finding across builds and releases: image + target + package + id. */
export function findingKey(image: string, finding: Finding): string {
  return [image, stableTarget(finding), finding.pkgName ?? '', finding.id].join('|');
}

/** A vulnerability with no fixed version yet (Trivy's statuses other than `fixed`, or no FixedVersion). */
export function isUnfixed(finding: Finding): boolean {
  if (finding.kind !== 'vulnerability') return false;
  if (finding.status && finding.status !== 'fixed') return true;
  return !finding.fixed;
}
