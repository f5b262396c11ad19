import {
  Baseline,
  parseIgnoreFile,
  readTrivyReport,
  parseVex,
  PolicyEvaluator,
  type Disposition,
  type Finding,
  type Policy,
} from '@alt-las/scan';
import {
  languagePackages,
  osPackages,
  secrets,
  trivyReport,
  type TrivyReportTemplate,
} from '../harness/trivy';

const NOW = new Date('2026-11-25T12:00:00Z');
const IMAGE = 'ghcr.io/alt-las/alt-las-api-gateway';

const TEMPLATE: TrivyReportTemplate = {
  Results: [
    osPackages('alpine', '3.20.3', [
      { id: 'CVE-A', pkg: 'libssl3', installed: '3.3.2-r0', fixed: '3.3.3-r0', severity: 'CRITICAL' },
      { id: 'CVE-B', pkg: 'busybox', installed: '1.36.1-r29', severity: 'HIGH' },
      { id: 'CVE-C', pkg: 'zlib', installed: '1.3.1-r1', fixed: '1.3.1-r2', severity: 'MEDIUM' },
      { id: 'CVE-D', pkg: 'musl', installed: '1.2.5-r0', fixed: '1.2.5-r1', severity: 'LOW' },
      { id: 'CVE-E', pkg: 'libcrypto3', installed: '3.3.2-r0', fixed: '3.3.3-r0', severity: 'HIGH' },
      { id: 'CVE-E', pkg: 'libssl3', installed: '3.3.2-r0', fixed: '3.3.3-r0', severity: 'HIGH' },
      {
        id: 'CVE-W',
        pkg: 'curl',
        installed: '8.9.0-r0',
        fixed: '8.9.1-r0',
        severity: 'HIGH',
        status: 'will_not_fix',
      },
    ]),
    languagePackages('app/package-lock.json', 'npm', [
      { id: 'GHSA-F', pkg: 'express', installed: '4.19.0', fixed: '4.20.0', severity: 'UNKNOWN' },
    ]),
    secrets('app/.env', [{ rule: 'github-pat', severity: 'CRITICAL', line: 2 }]),
  ],
};
const findings = readTrivyReport(JSON.stringify(trivyReport('api-gateway.tar', TEMPLATE))).findings;

function policy(overrides: Partial<Policy> = {}): Policy {
  return {
    failOnSeverity: 'HIGH',
    ignoreUnfixed: true,
    failOn: 'all',
    ignores: [],
    vex: [],
    now: NOW,
    ...overrides,
  };
}

const label = (f: Finding) => `${f.id}${f.kind === 'vulnerability' ? `/${f.pkgName}` : ''}`;
function dispositions(p: Policy, isKnown?: (f: Finding) => boolean): Record<string, Disposition> {
  const result = new PolicyEvaluator(p).evaluate(findings, { imageName: IMAGE, isKnown });
  return Object.fromEntries(result.evaluated.map((item) => [label(item.finding), item.disposition]));
}
const blocking = (p: Policy, isKnown?: (f: Finding) => boolean) =>
  Object.entries(dispositions(p, isKnown))
    .filter(([, d]) => d === 'blocking')
    .map(([id]) => id)
    .sort();

describe('severity threshold and unfixed', () => {
  test.each([
    ['CRITICAL', true, ['CVE-A/libssl3', 'github-pat']],
    ['HIGH', true, ['CVE-A/libssl3', 'CVE-E/libcrypto3', 'CVE-E/libssl3', 'github-pat']],
    [
      'HIGH',
      false,
      ['CVE-A/libssl3', 'CVE-B/busybox', 'CVE-E/libcrypto3', 'CVE-E/libssl3', 'CVE-W/curl', 'github-pat'],
    ],
    ['MEDIUM', true, ['CVE-A/libssl3', 'CVE-C/zlib', 'CVE-E/libcrypto3', 'CVE-E/libssl3', 'github-pat']],
    [
      'UNKNOWN',
      true,
      [
        'CVE-A/libssl3',
        'CVE-C/zlib',
        'CVE-D/musl',
        'CVE-E/libcrypto3',
        'CVE-E/libssl3',
        'GHSA-F/express',
        'github-pat',
      ],
    ],
  ] as const)(
    'fail-on-severity %s, ignore-unfixed %s blocks %j',
    (failOnSeverity, ignoreUnfixed, expected) => {
      expect(blocking(policy({ failOnSeverity, ignoreUnfixed }))).toEqual([...expected].sort());
    },
  );

  test('an unfixed finding below the threshold is "below-threshold", one above it is "unfixed"', () => {
    const result = dispositions(policy({ failOnSeverity: 'CRITICAL' }));
    expect(result['CVE-B/busybox']).toBe('below-threshold');
    expect(dispositions(policy())['CVE-B/busybox']).toBe('unfixed');
    // Trivy's will_not_fix has a fixed version field elsewhere but no fix for this distribution.
    expect(dispositions(policy())['CVE-W/curl']).toBe('unfixed');
  });

  test('counts leave out ignored and not-affected findings but keep unfixed and below-threshold ones', () => {
    const ignores = parseIgnoreFile('- id: CVE-A\n  reason: mitigated\n', 'ignores.yaml');
    const evaluation = new PolicyEvaluator(policy({ ignores })).evaluate(findings, { imageName: IMAGE });
    expect(evaluation.counts).toEqual({ CRITICAL: 1, HIGH: 4, MEDIUM: 1, LOW: 1, UNKNOWN: 1 });
    expect(evaluation.verdict).toBe('fail');
  });
});

describe('ignore file', () => {
  const evaluate = (yaml: string) => {
    const evaluator = new PolicyEvaluator(policy({ ignores: parseIgnoreFile(yaml, '.trivyignore.yaml') }));
    const result = evaluator.evaluate(findings, { imageName: IMAGE });
    return { result, review: evaluator.reviewIgnores() };
  };

  test.each([
    [
      'an id ignores every package with it',
      '- id: CVE-E\n  reason: not reachable\n',
      [],
      ['CVE-E/libcrypto3', 'CVE-E/libssl3'],
    ],
    [
      'package by name narrows it',
      '- id: CVE-E\n  package: libssl3\n  reason: x\n',
      ['CVE-E/libcrypto3'],
      ['CVE-E/libssl3'],
    ],
    [
      'package by name@version',
      '- id: CVE-E\n  package: libcrypto3@3.3.2-r0\n  reason: x\n',
      ['CVE-E/libssl3'],
      ['CVE-E/libcrypto3'],
    ],
    [
      'package by PURL (qualifiers ignored)',
      '- id: CVE-E\n  package: pkg:apk/alpine/libssl3@3.3.2-r0\n  reason: x\n',
      ['CVE-E/libcrypto3'],
      ['CVE-E/libssl3'],
    ],
    [
      'a secret by rule id in the secrets section',
      'secrets:\n  - id: github-pat\n    reason: revoked test token\n',
      [],
      ['github-pat'],
    ],
    [
      'a vulnerabilities entry never ignores a secret',
      'vulnerabilities:\n  - id: github-pat\n    reason: x\n',
      ['github-pat'],
      [],
    ],
    [
      "Trivy's statement and expired_at are accepted",
      'vulnerabilities:\n  - id: CVE-A\n    statement: ok\n    expired_at: 2027-01-01\n',
      [],
      ['CVE-A/libssl3'],
    ],
  ])('%s', (_name, yaml, stillBlocking, ignored) => {
    const { result } = evaluate(yaml);
    const ids = (d: Disposition) =>
      result.evaluated
        .filter((i) => i.disposition === d)
        .map((i) => label(i.finding))
        .sort();
    for (const id of stillBlocking) expect(ids('blocking')).toContain(id);
    expect(ids('ignored')).toEqual([...ignored].sort());
  });

  test('an expired ignore stops ignoring, is reported with what it matched, and does not count as unused', () => {
    const { result, review } = evaluate('- id: CVE-A\n  reason: waiting for 3.3.3\n  expires: 2026-11-24\n');
    const item = result.evaluated.find((i) => i.finding.id === 'CVE-A')!;
    expect(item.disposition).toBe('blocking');
    expect(item.expiredRule?.reason).toBe('waiting for 3.3.3');
    expect(review.expired.map(({ rule, hits }) => [rule.id, hits])).toEqual([['CVE-A', 1]]);
    expect(review.unused).toEqual([]);
  });

  test('an ignore expiring today still holds; within 14 days it is flagged; unused ones are listed', () => {
    const { result, review } = evaluate(
      '- id: CVE-A\n  reason: a\n  expires: 2026-11-25\n- id: CVE-C\n  reason: b\n  expires: 2026-12-20\n- id: CVE-ZZZ\n  reason: c\n',
    );
    expect(result.evaluated.find((i) => i.finding.id === 'CVE-A')!.disposition).toBe('ignored');
    expect(review.expiringSoon.map((rule) => rule.id)).toEqual(['CVE-A']);
    expect(review.unused.map((rule) => rule.id)).toEqual(['CVE-ZZZ']);
    expect(review.expired).toEqual([]);
  });

  test.each([
    ['- id: CVE-A\n', /entry 1 \(CVE-A\) has no reason; every ignore must say why/],
    ['- reason: x\n', /entry 1 has no id/],
    [
      '- id: CVE-A\n  reason: x\n  expires: next week\n',
      /expires "next week" is not a date; expected YYYY-MM-DD/,
    ],
    ['- id: CVE-A\n  reason: x\n  expires: 2026-02-30\n', /expires "2026-02-30" is not a date/],
    ['- id: CVE-A\n  reason: x\n  paths: [a]\n', /unknown field\(s\) paths/],
    ['misconfigurations:\n  - id: AVD-1\n    reason: x\n', /unknown section "misconfigurations"/],
    ['a: [\n', /not valid YAML/],
  ])('%j is rejected with a clear error', (yaml, message) => {
    expect(() => parseIgnoreFile(yaml, '.trivyignore.yaml')).toThrow(message);
    expect(() => parseIgnoreFile(yaml, '.trivyignore.yaml')).toThrow(/^ignore-file \.trivyignore\.yaml: /);
  });
});

describe('VEX not_affected', () => {
  const vex = (statements: unknown[]) =>
    parseVex(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements }), 'vex.json');

  test.each([
    [
      'no products: every image',
      [
        {
          vulnerability: { name: 'CVE-A' },
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ],
      'not-affected',
    ],
    [
      'the package PURL',
      [
        {
          vulnerability: { name: 'CVE-A' },
          products: [{ '@id': 'pkg:apk/alpine/libssl3@3.3.2-r0?arch=x86_64' }],
          status: 'not_affected',
        },
      ],
      'not-affected',
    ],
    [
      'the image as pkg:oci',
      [
        {
          vulnerability: 'CVE-A',
          products: ['pkg:oci/alt-las-api-gateway@sha256:abc'],
          status: 'not_affected',
        },
      ],
      'not-affected',
    ],
    [
      'another image',
      [{ vulnerability: 'CVE-A', products: ['pkg:oci/alt-las-archive-service'], status: 'not_affected' }],
      'blocking',
    ],
    ['status affected does not suppress', [{ vulnerability: 'CVE-A', status: 'affected' }], 'blocking'],
    ['status fixed does not suppress', [{ vulnerability: 'CVE-A', status: 'fixed' }], 'blocking'],
  ])('%s', (_name, statements, expected) => {
    expect(dispositions(policy({ vex: vex(statements) }))['CVE-A/libssl3']).toBe(expected);
  });

  test('a document without statements is a configuration error naming the file', () => {
    expect(() => parseVex('{"foo":1}', 'vex/bad.json')).toThrow('vex vex/bad.json: not an OpenVEX document');
  });
});

describe('baseline', () => {
  // The previous release scanned an older tag of the same image: targets differ, identity does not.
  const previous: TrivyReportTemplate = {
    Results: [
      osPackages('alpine', '3.20.2', [
        { id: 'CVE-A', pkg: 'libssl3', installed: '3.3.1-r0', fixed: '3.3.3-r0', severity: 'CRITICAL' },
      ]),
      secrets('app/.env', [{ rule: 'github-pat', severity: 'CRITICAL', line: 9 }]),
    ],
  };
  const baseline = new Baseline('previous');
  baseline.add(
    ['api-gateway'],
    readTrivyReport(JSON.stringify(trivyReport('ghcr.io/alt-las/alt-las-api-gateway:0.9.0', previous)))
      .findings,
  );
  const known = baseline.lookup(['api-gateway'])!;
  const isKnown = (f: Finding) => baseline.isKnown(known, f);

  test('findings are marked new or known across tags and OS point releases', () => {
    const result = new PolicyEvaluator(policy()).evaluate(findings, { imageName: IMAGE, isKnown });
    const novelty = Object.fromEntries(result.evaluated.map((i) => [label(i.finding), i.novelty]));
    expect(novelty['CVE-A/libssl3']).toBe('known');
    expect(novelty['github-pat']).toBe('known');
    expect(novelty['CVE-E/libssl3']).toBe('new');
  });

  test.each([
    ['all', ['CVE-A/libssl3', 'CVE-E/libcrypto3', 'CVE-E/libssl3', 'github-pat']],
    ['new', ['CVE-E/libcrypto3', 'CVE-E/libssl3']],
  ] as const)('fail-on %s blocks %j', (failOn, expected) => {
    expect(blocking(policy({ failOn }), isKnown)).toEqual(expected);
  });

  test('fail-on new marks known blocking-grade findings "known", not "blocking"', () => {
    expect(dispositions(policy({ failOn: 'new' }), isKnown)['CVE-A/libssl3']).toBe('known');
  });

  test('an image the baseline does not know has no entry (all its findings are new)', () => {
    expect(baseline.lookup(['archive-service'])).toBeUndefined();
  });
});
