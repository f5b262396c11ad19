import * as crypto from 'node:crypto';

/**
 * Builders for reports in Trivy's JSON format (SchemaVersion 2), with the fields real reports carry,
 * so fixtures read like `trivy image --format json` output without copying any real report.
 */
export interface VulnerabilitySpec {
  id: string;
  pkg: string;
  installed: string;
  fixed?: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
  title?: string;
  /** Trivy's status; defaults to `fixed` when a fixed version is given, else `affected`. */
  status?: string;
  purl?: string;
  cvss?: number;
}

export interface SecretSpec {
  rule: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
  title?: string;
  category?: string;
  line?: number;
}

export type TrivyResultTemplate = Record<string, unknown> & { Target: string; Class: string };
export interface TrivyReportTemplate {
  Metadata?: Record<string, unknown>;
  Results: TrivyResultTemplate[];
}

const LAYER = {
  Digest: 'sha256:5f1ee22ffb5e68686db3dcb6584eb1c73b5570615b0f14fabb070b96117e351d',
  DiffID: 'sha256:b2d5eeeaba3a22b9b8aa97261957974a6bd65274ebd43e1d81d0a7b8b752b116',
};

const hex = (text: string, length = 16) =>
  crypto.createHash('sha256').update(text).digest('hex').slice(0, length);

export function vulnerability(spec: VulnerabilitySpec, ecosystem: string): Record<string, unknown> {
  const url = `https://avd.aquasec.com/nvd/${spec.id.toLowerCase()}`;
  const score =
    spec.cvss ?? { CRITICAL: 9.8, HIGH: 7.5, MEDIUM: 5.3, LOW: 3.1, UNKNOWN: undefined }[spec.severity];
  return {
    VulnerabilityID: spec.id,
    PkgID: `${spec.pkg}@${spec.installed}`,
    PkgName: spec.pkg,
    PkgIdentifier: {
      PURL: spec.purl ?? `pkg:${ecosystem}/${spec.pkg}@${spec.installed}`,
      UID: hex(spec.pkg + spec.installed),
    },
    InstalledVersion: spec.installed,
    ...(spec.fixed ? { FixedVersion: spec.fixed } : {}),
    Status: spec.status ?? (spec.fixed ? 'fixed' : 'affected'),
    Layer: LAYER,
    SeveritySource: 'nvd',
    PrimaryURL: url,
    DataSource: {
      ID: ecosystem,
      Name: `${ecosystem} advisories`,
      URL: `https://advisories.example.org/${ecosystem}`,
    },
    Fingerprint: `sha256:${hex(`${spec.id}${spec.pkg}${Math.random()}`, 64)}`,
    Title: spec.title ?? `${spec.pkg}: flaw tracked as ${spec.id}`,
    Description: `A flaw in ${spec.pkg} before ${spec.fixed ?? 'an unreleased version'} (${spec.id}).`,
    Severity: spec.severity,
    CweIDs: ['CWE-787'],
    VendorSeverity: { nvd: { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 }[spec.severity] },
    ...(score !== undefined
      ? { CVSS: { nvd: { V3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', V3Score: score } } }
      : {}),
    References: [url],
    PublishedDate: '2025-03-04T12:00:00Z',
    LastModifiedDate: '2025-06-01T08:30:00Z',
  };
}

/** OS packages; the stand-in prefixes the target with the scanned artifact, as Trivy does. */
export function osPackages(
  family: string,
  release: string,
  vulnerabilities: VulnerabilitySpec[],
): TrivyResultTemplate {
  return {
    Target: `${family} ${release}`,
    Class: 'os-pkgs',
    Type: family,
    Vulnerabilities: vulnerabilities.map((spec) =>
      vulnerability(spec, family === 'alpine' ? 'apk/alpine' : 'deb/debian'),
    ),
  };
}

export function languagePackages(
  target: string,
  type: string,
  vulnerabilities: VulnerabilitySpec[],
): TrivyResultTemplate {
  return {
    Target: target,
    Class: 'lang-pkgs',
    Type: type,
    Vulnerabilities: vulnerabilities.map((spec) => vulnerability(spec, type)),
  };
}

export function secrets(target: string, found: SecretSpec[]): TrivyResultTemplate {
  return {
    Target: target,
    Class: 'secret',
    Secrets: found.map((spec) => ({
      RuleID: spec.rule,
      Category: spec.category ?? 'AWS',
      Severity: spec.severity,
      Title: spec.title ?? `${spec.rule} found`,
      StartLine: spec.line ?? 1,
      EndLine: spec.line ?? 1,
      Code: {
        Lines: [
          { Number: spec.line ?? 1, Content: 'KEY=********', IsCause: true, Highlighted: 'KEY=********' },
        ],
      },
      Match: 'KEY=********',
      Layer: LAYER,
    })),
  };
}

/** A complete report as `trivy image --format json` writes it, for tests that skip the stand-in. */
export function trivyReport(artifactName: string, template: TrivyReportTemplate): Record<string, unknown> {
  return {
    SchemaVersion: 2,
    Trivy: { Version: '0.69.3' },
    ReportID: `report-${hex(artifactName)}`,
    CreatedAt: '2026-11-20T10:00:00.000000001Z',
    ArtifactName: artifactName,
    ArtifactType: 'container_image',
    Metadata: template.Metadata ?? {},
    Results: template.Results.map((result) =>
      result.Class === 'os-pkgs' ? { ...result, Target: `${artifactName} (${result.Target})` } : result,
    ),
  };
}

/** `count` findings spread over OS and language packages and secrets, for size and speed tests. */
export function syntheticTemplate(count: number): TrivyReportTemplate {
  const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
  const os: VulnerabilitySpec[] = [];
  const npm: VulnerabilitySpec[] = [];
  const found: SecretSpec[] = [];
  for (let i = 0; i < count; i++) {
    const severity = severities[i % severities.length]!;
    if (i % 50 === 49) {
      found.push({
        rule: `generic-api-key-${i % 7}`,
        severity: severity === 'UNKNOWN' ? 'LOW' : severity,
        line: i,
      });
      continue;
    }
    const spec: VulnerabilitySpec = {
      id: `CVE-2025-${String(10000 + (i % 9000)).padStart(5, '0')}`,
      pkg: `package-${Math.floor(i / 3)}`,
      installed: `1.${i % 10}.0`,
      fixed: i % 4 === 0 ? undefined : `1.${i % 10}.1`,
      severity,
    };
    (i % 2 === 0 ? os : npm).push(spec);
  }
  return {
    Results: [
      osPackages('alpine', '3.20.3', os),
      languagePackages('app/package-lock.json', 'npm', npm),
      secrets('app/.env', found),
    ],
  };
}
