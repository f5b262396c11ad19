import {
  buildSarif,
  FINGERPRINT_KEY,
  readTrivyReport,
  PolicyEvaluator,
  parseIgnoreFile,
} from '@alt-las/scan';
import {
  languagePackages,
  osPackages,
  secrets,
  trivyReport,
  type TrivyReportTemplate,
} from '../harness/trivy';
import { sarifValidator } from './helpers';

const IMAGE = 'ghcr.io/alt-las/alt-las-api-gateway';
const template: TrivyReportTemplate = {
  Results: [
    osPackages('alpine', '3.20.3', [
      {
        id: 'CVE-2025-1',
        pkg: 'libssl3',
        installed: '3.3.2-r0',
        fixed: '3.3.3-r0',
        severity: 'CRITICAL',
        cvss: 9.1,
      },
      {
        id: 'CVE-2025-1',
        pkg: 'libcrypto3',
        installed: '3.3.2-r0',
        fixed: '3.3.3-r0',
        severity: 'CRITICAL',
        cvss: 9.1,
      },
      { id: 'CVE-2025-2', pkg: 'zlib', installed: '1.3.1-r1', severity: 'MEDIUM' },
      { id: 'CVE-2025-3', pkg: 'musl', installed: '1.2.5-r0', fixed: '1.2.5-r1', severity: 'LOW' },
      { id: 'CVE-2025-4', pkg: 'busybox', installed: '1.36.1', severity: 'UNKNOWN' },
    ]),
    languagePackages('app/node_modules/some lib/package.json', 'node-pkg', [
      { id: 'GHSA-xxxx-yyyy-zzzz', pkg: 'some-lib', installed: '2.0.0', fixed: '2.0.1', severity: 'HIGH' },
    ]),
    secrets('app/.env', [{ rule: 'aws-secret-access-key', severity: 'CRITICAL', line: 7 }]),
  ],
};

function sarifFor(artifactName: string, ignores = '') {
  const findings = readTrivyReport(JSON.stringify(trivyReport(artifactName, template))).findings;
  const evaluation = new PolicyEvaluator({
    failOnSeverity: 'HIGH',
    ignoreUnfixed: true,
    failOn: 'all',
    ignores: parseIgnoreFile(ignores, 'ignores.yaml'),
    vex: [],
    now: new Date('2026-11-25T00:00:00Z'),
  }).evaluate(findings, { imageName: IMAGE });
  return buildSarif({
    imageName: IMAGE,
    category: 'trivy-api-gateway',
    artifact: IMAGE,
    trivyVersion: '0.69.3',
    evaluated: evaluation.evaluated,
  }) as unknown as {
    runs: {
      automationDetails: { id: string };
      tool: {
        driver: {
          rules: {
            id: string;
            properties: Record<string, unknown>;
            defaultConfiguration: { level: string };
          }[];
        };
      };
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        partialFingerprints: Record<string, string>;
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }[];
      }[];
    }[];
  };
}

const validate = sarifValidator();

test('the SARIF validates against the SARIF 2.1.0 schema', () => {
  expect(validate(sarifFor('build/api-gateway.tar'))).toEqual([]);
});

test('the validator is real: it rejects a broken log', () => {
  const broken = sarifFor('build/api-gateway.tar') as unknown as {
    runs: { results: Record<string, unknown>[] }[];
  };
  broken.runs[0]!.results[0]!.level = 'fatal';
  delete broken.runs[0]!.results[1]!.message;
  const problems = validate(broken);
  expect(problems.join('\n')).toMatch(/\/runs\/0\/results\/0\/level/);
  expect(problems.join('\n')).toMatch(/message/);
  expect(validate({ version: '2.1.0' })).not.toEqual([]);
});

test("levels map as Trivy's do, with a security-severity on every rule", () => {
  const run = sarifFor('build/api-gateway.tar').runs[0]!;
  const level = Object.fromEntries(run.results.map((r) => [r.ruleId, r.level]));
  expect(level).toEqual({
    'CVE-2025-1': 'error',
    'CVE-2025-2': 'warning',
    'CVE-2025-3': 'note',
    'CVE-2025-4': 'note',
    'GHSA-xxxx-yyyy-zzzz': 'error',
    'aws-secret-access-key': 'error',
  });
  const severity = Object.fromEntries(
    run.tool.driver.rules.map((r) => [r.id, r.properties['security-severity']]),
  );
  // CVSS when Trivy has one, else the severity's band (the secret has no CVSS: CRITICAL -> 9.5).
  expect(severity['CVE-2025-1']).toBe('9.1');
  expect(severity['aws-secret-access-key']).toBe('9.5');
  expect(severity['CVE-2025-4']).toBe('0.0');
  // One rule per id; two packages with the same CVE share it.
  expect(run.tool.driver.rules.filter((r) => r.id === 'CVE-2025-1')).toHaveLength(1);
  for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
});

test('fingerprints are stable across builds and tags and distinct per package', () => {
  const first = sarifFor('build/api-gateway.tar').runs[0]!.results;
  const second = sarifFor('ghcr.io/alt-las/alt-las-api-gateway:1.0.1').runs[0]!.results;
  const prints = (results: typeof first) => results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
  expect(prints(second)).toEqual(prints(first));
  expect(new Set(prints(first)).size).toBe(first.length);
});

test('category per image, and file locations escaped as URI references', () => {
  const run = sarifFor('build/api-gateway.tar').runs[0]!;
  expect(run.automationDetails.id).toBe('trivy-api-gateway/');
  const uris = run.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
  expect(uris).toContain('app/node_modules/some%20lib/package.json');
  expect(uris).toContain(IMAGE);
  const messages = (run.results as unknown as { locations: { message: { text: string } }[] }[]).map(
    (r) => r.locations[0]!.message.text,
  );
  // Where Trivy read the image from (an archive or unpacked directory) is no part of what people read.
  expect(messages).toContain(`${IMAGE}: alpine 3.20.3 libssl3@3.3.2-r0`);
  expect(messages.join('\n')).not.toContain('build/api-gateway.tar');
  const secret = run.results.find((r) => r.ruleId === 'aws-secret-access-key')!;
  expect(secret.locations[0]!.physicalLocation.region.startLine).toBe(7);
});

test('over the code scanning limit, blocking and severe findings are kept and the rest counted', () => {
  const findings = readTrivyReport(JSON.stringify(trivyReport('build/api-gateway.tar', template))).findings;
  const evaluated = new PolicyEvaluator({
    failOnSeverity: 'HIGH',
    ignoreUnfixed: true,
    failOn: 'all',
    ignores: [],
    vex: [],
    now: new Date(),
  }).evaluate(findings, { imageName: IMAGE }).evaluated;
  const log = buildSarif({ imageName: IMAGE, category: 'c', artifact: IMAGE, evaluated, maxResults: 3 });
  const results = (log.runs[0] as unknown as { results: { ruleId: string }[] }).results;
  // Four findings block (three CRITICAL, one HIGH): the CRITICAL ones win the three places.
  expect(results.map((r) => r.ruleId).sort()).toEqual(['CVE-2025-1', 'CVE-2025-1', 'aws-secret-access-key']);
  expect(log.runs[0]!.properties.omittedResults).toBe(4);
  expect(validate(log)).toEqual([]);
});

test('ignored findings are left out of the SARIF', () => {
  const run = sarifFor('build/api-gateway.tar', '- id: CVE-2025-1\n  reason: not reachable\n').runs[0]!;
  expect(run.results.map((r) => r.ruleId)).not.toContain('CVE-2025-1');
  expect(run.tool.driver.rules.map((r) => r.id)).not.toContain('CVE-2025-1');
});
