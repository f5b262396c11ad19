import { SummaryBuilder } from '@alt-las/action-kit';
import {
  gateVerdict,
  PolicyEvaluator,
  readTrivyReport,
  writeScanSummary,
  type ImageOutcome,
  type Policy,
} from '@alt-las/scan';
import { syntheticTemplate, trivyReport } from '../harness/trivy';

const policy: Policy = {
  failOnSeverity: 'HIGH',
  ignoreUnfixed: true,
  failOn: 'all',
  ignores: [],
  vex: [],
  now: new Date(),
};
const findings = readTrivyReport(JSON.stringify(trivyReport('big.tar', syntheticTemplate(20_000)))).findings;
const evaluator = new PolicyEvaluator(policy);
const outcome: ImageOutcome = {
  target: { name: 'big', image: 'ghcr.io/alt-las/big' },
  evaluation: evaluator.evaluate(findings, { imageName: 'ghcr.io/alt-las/big' }),
  sarifOmitted: 1234,
};

test('a huge report gives a bounded summary that says what it left out', () => {
  const summary = new SummaryBuilder();
  writeScanSummary(summary, {
    outcomes: [outcome],
    policy,
    review: evaluator.reviewIgnores(),
    verdict: 'fail',
    trivyVersion: '0.69.3',
  });
  const text = summary.toString();
  const blocking = outcome.evaluation!.blocking.length;
  expect(blocking).toBeGreaterThan(100);
  expect(text).toContain(`### big: ${blocking} blocking finding(s)`);
  expect(text).toContain(`${blocking - 100} more blocking finding(s) are in the report and the SARIF file.`);
  expect(text).toContain(
    'big: the SARIF keeps the 5000 most important findings; 1234 more are only in the report',
  );
  expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
  // The most severe come first.
  const firstRow = text
    .split('\n')
    .find((line) => line.startsWith('| [CVE-') || line.startsWith('| generic-'))!;
  expect(firstRow).toContain('| CRITICAL |');
});

test('the verdict lists scanner failures before policy failures, and five findings at most', () => {
  const { verdict, problems } = gateVerdict(
    [
      outcome,
      {
        target: { name: 'broken', image: 'x' },
        error: 'scanner failed: broken: trivy exited with code 1: boom',
      },
    ],
    policy,
  );
  expect(verdict).toBe('fail');
  expect(problems[0]).toBe('scanner failed: broken: trivy exited with code 1: boom');
  expect(problems[1]).toMatch(/^policy failed: \d+ blocking finding\(s\) at or above HIGH: big: /);
  expect(problems[1]!.split('; ').length).toBe(6);
  expect(
    gateVerdict(
      [
        {
          target: { name: 'clean', image: 'x' },
          evaluation: { ...outcome.evaluation!, blocking: [], verdict: 'pass' },
        },
      ],
      policy,
    ),
  ).toEqual({
    verdict: 'pass',
    problems: [],
  });
});
