import { findingsOf, readTrivyReport, type TrivyReport } from '@alt-las/scan';
import { languagePackages, osPackages, secrets, syntheticTemplate, trivyReport } from '../harness/trivy';

const tricky = trivyReport('build/api "gateway".tar', {
  Metadata: {
    RepoTags: ['ghcr.io/alt-las/alt-las-api-gateway:1.0.0'],
    OS: { Family: 'alpine', Name: '3.20.3' },
  },
  Results: [
    osPackages('alpine', '3.20.3', [
      {
        id: 'CVE-2025-1',
        pkg: 'libssl3',
        installed: '3.3.2-r0',
        fixed: '3.3.3-r0',
        severity: 'HIGH',
        title: 'quote " brace } bracket ] backslash \\ unicode ü ✓',
      },
      { id: 'CVE-2025-2', pkg: 'zlib', installed: '1.3.1-r1', severity: 'LOW', status: 'will_not_fix' },
    ]),
    {
      ...languagePackages('app/package-lock.json', 'npm', [
        { id: 'GHSA-1', pkg: 'a', installed: '1', fixed: '2', severity: 'CRITICAL' },
      ]),
      Packages: [{ Name: 'a', Version: '1', DependsOn: ['b@2'] }],
    },
    secrets('app/.env\\"x', [{ rule: 'aws-access-key-id', severity: 'CRITICAL', line: 4 }]),
    { Target: 'empty', Class: 'lang-pkgs', Type: 'pip', Vulnerabilities: null },
  ],
});

test.each([
  ['a report with escapes, nulls, skipped package lists and all result kinds', tricky],
  ['a generated report of 2,000 findings', trivyReport('x.tar', syntheticTemplate(2000))],
  ['a report without results', { SchemaVersion: 2, ArtifactName: 'x', Results: [] }],
  ['a report whose Results are absent', { SchemaVersion: 2, ArtifactName: 'x' }],
])('reading finding by finding gives the same findings as parsing the whole report: %s', (_name, report) => {
  for (const text of [JSON.stringify(report), JSON.stringify(report, null, 2)]) {
    const read = readTrivyReport(text);
    expect(read.findings).toEqual(findingsOf(JSON.parse(text) as TrivyReport));
    expect(read.header.ArtifactName).toBe((report as { ArtifactName: string }).ArtifactName);
  }
});

test('header fields are kept for the baseline', () => {
  const { header } = readTrivyReport(JSON.stringify(tricky));
  expect(header.Metadata?.RepoTags).toEqual(['ghcr.io/alt-las/alt-las-api-gateway:1.0.0']);
  expect(header.Trivy?.Version).toBe('0.69.3');
});

test.each([
  ['{"SchemaVersion": 1, "Results": []}', /SchemaVersion 1 is not supported; expected 2/],
  ['[1,2]', /not a JSON object/],
  ['{"SchemaVersion": 2, "Results": {}}', /Results is not a list/],
  ['{"SchemaVersion": 2, "Results": [{"Class": "os-pkgs"}]}', /a result has no Target/],
  [
    '{"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [{"PkgName": "x"}]}]}',
    /a vulnerability has no VulnerabilityID/,
  ],
  [
    '{"SchemaVersion": 2, "Results": [{"Target": "t", "Secrets": [{"Title": "x"}]}]}',
    /a secret has no RuleID/,
  ],
  ['{"SchemaVersion": 2, "Results": [', /unexpected end of JSON/],
  [
    '{"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [{"VulnerabilityID": tru}]}]}',
    /invalid JSON at byte/,
  ],
  ['{"SchemaVersion": 2]', /unbalanced JSON/],
])('%s is rejected', (text, message) => {
  expect(() => readTrivyReport(text)).toThrow(message);
});
