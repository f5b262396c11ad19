import * as crypto from 'node:crypto';
import type { Evaluated } from './policy';
import { compareSeverity, SEVERITY_SCORE, sarifLevel, type Severity } from './severity';
import { displayTarget, findingKey, type Finding } from './trivy-report';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The key of our fingerprint in `partialFingerprints`; versioned so a future change cannot collide. */
export const FINGERPRINT_KEY = 'altLasFinding/v1';
/** Code scanning shows at most 5,000 results per run and rejects uploads over 25,000. */
export const SARIF_MAX_RESULTS = 5000;

export interface SarifInput {
  /** Image repository (or archive name) the findings belong to; part of every fingerprint. */
  imageName: string;
  /** Code scanning category for this image (`runAutomationDetails.id` is `<category>/`). */
  category: string;
  /** What was scanned, as the location of image-level findings. */
  artifact: string;
  trivyVersion?: string;
  /** Findings as the policy saw them; ignored and not-affected ones are left out of the SARIF. */
  evaluated: Evaluated[];
  /** Results kept when there are more: blocking first, then by severity. */
  maxResults?: number;
}

const RANKED: Evaluated['disposition'][] = ['blocking', 'known', 'unfixed', 'below-threshold'];

/** The findings that go into the SARIF, most important first when they must be cut to `max`. */
export function sarifSelection(
  evaluated: Evaluated[],
  max = SARIF_MAX_RESULTS,
): { kept: Evaluated[]; omitted: number } {
  const active = evaluated.filter(
    (item) => item.disposition !== 'ignored' && item.disposition !== 'not-affected',
  );
  if (active.length <= max) return { kept: active, omitted: 0 };
  const sorted = [...active].sort(
    (a, b) =>
      RANKED.indexOf(a.disposition) - RANKED.indexOf(b.disposition) ||
      compareSeverity(a.finding.severity, b.finding.severity),
  );
  return { kept: sorted.slice(0, max), omitted: active.length - max };
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  defaultConfiguration: { level: string };
  helpUri?: string;
  help: { text: string; markdown: string };
  properties: { tags: string[]; precision: string; 'security-severity': string };
}

/** SARIF wants a URI reference: paths relative to the image root, with unsafe characters escaped. */
function locationUri(finding: Finding, artifact: string): string {
  const file = finding.resultClass === 'os-pkgs' ? artifact : finding.target;
  return encodeURI(file.replace(/^\/+/, '')).replace(/%25([0-9A-F]{2})/gi, '%$1');
}

function score(finding: Finding): string {
  return (finding.cvssScore ?? SEVERITY_SCORE[finding.severity]).toFixed(1);
}

function ruleFor(finding: Finding, severity: Severity): SarifRule {
  const kind =
    finding.kind === 'secret'
      ? 'Secret'
      : finding.resultClass === 'os-pkgs'
        ? 'OsPackageVulnerability'
        : 'LanguageSpecificPackageVulnerability';
  const link = finding.url ? `[${finding.id}](${finding.url})` : finding.id;
  return {
    id: finding.id,
    name: kind,
    shortDescription: { text: finding.title },
    fullDescription: { text: finding.title },
    defaultConfiguration: { level: sarifLevel(severity) },
    ...(finding.url ? { helpUri: finding.url } : {}),
    help: {
      text: `${finding.kind === 'secret' ? 'Secret' : 'Vulnerability'} ${finding.id} (${severity}): ${finding.title}${finding.url ? `\n${finding.url}` : ''}`,
      markdown: `**${finding.id}** (${severity}): ${finding.title}\n\n${link}`,
    },
    properties: {
      tags: [finding.kind === 'secret' ? 'secret' : 'vulnerability', 'security', severity],
      precision: 'very-high',
      'security-severity': score(finding),
    },
  };
}

function messageFor(finding: Finding): string {
  if (finding.kind === 'secret') {
    return `Secret ${finding.id} (${finding.severity}) in ${finding.target}${finding.line ? ` at line ${finding.line}` : ''}: ${finding.title}`;
  }
  return [
    `${finding.id} (${finding.severity}) in ${finding.pkgName ?? 'a package'} ${finding.installed ?? ''}`.trim(),
    finding.fixed ? `Fixed in: ${finding.fixed}` : 'No fixed version yet',
    finding.title,
  ].join('\n');
}

/** Stable across builds: image repository + target + package + id, not Trivy's per-build fingerprint. */
export function fingerprint(imageName: string, finding: Finding): string {
  return crypto.createHash('sha256').update(findingKey(imageName, finding)).digest('hex');
}

/** The SARIF log; typed only as far as callers read it. */
export interface SarifLog {
  version: '2.1.0';
  $schema: string;
  runs: (Record<string, unknown> & { properties: Record<string, unknown> & { omittedResults: number } })[];
}

/** One SARIF 2.1.0 log with one run for one image. */
export function buildSarif(input: SarifInput): SarifLog {
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const results: Record<string, unknown>[] = [];
  const { kept, omitted } = sarifSelection(input.evaluated, input.maxResults);
  for (const item of kept) {
    const { finding } = item;
    let index = ruleIndex.get(finding.id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(finding.id, index);
      rules.push(ruleFor(finding, finding.severity));
    }
    const line = finding.line && finding.line > 0 ? finding.line : 1;
    results.push({
      ruleId: finding.id,
      ruleIndex: index,
      level: sarifLevel(finding.severity),
      message: { text: messageFor(finding) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: locationUri(finding, input.artifact) },
            region: { startLine: line, startColumn: 1, endLine: line, endColumn: 1 },
          },
          message: {
            text: `${input.imageName}: ${displayTarget(finding)}${finding.pkgId ? ` ${finding.pkgId}` : ''}`,
          },
        },
      ],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(input.imageName, finding) },
      properties: {
        disposition: item.disposition,
        ...(item.novelty ? { novelty: item.novelty } : {}),
      },
    });
  }
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA_URI,
    runs: [
      {
        tool: {
          driver: {
            name: 'Trivy',
            fullName: 'Trivy Vulnerability Scanner',
            informationUri: 'https://github.com/aquasecurity/trivy',
            ...(input.trivyVersion ? { version: input.trivyVersion } : {}),
            rules,
          },
        },
        automationDetails: { id: `${input.category}/` },
        results,
        columnKind: 'utf16CodeUnits',
        properties: { image: input.imageName, artifact: input.artifact, omittedResults: omitted },
      },
    ],
  };
}
