import {
  AnnotationBudget,
  SecretRedactor,
  SummaryBuilder,
  markdownTable,
  type Annotation,
} from '@alt-las/action-kit';

describe('AnnotationBudget', () => {
  test('emits up to the per-level cap and reports what it left out', () => {
    const emitted: Annotation[] = [];
    const budget = new AnnotationBudget((annotation) => emitted.push(annotation));
    for (let i = 0; i < 13; i++) budget.add({ level: 'error', message: `finding ${i}` });
    for (let i = 0; i < 2; i++) budget.add({ level: 'warning', message: `expiring ${i}` });
    expect(emitted.filter((a) => a.level === 'error')).toHaveLength(10);
    expect(emitted.filter((a) => a.level === 'warning')).toHaveLength(2);
    expect(budget.omittedCount('error')).toBe(3);
    expect(budget.omittedNote()).toBe(
      '3 errors not shown as annotations (GitHub shows 10 per level per step); all are listed in this summary.',
    );
  });

  test('says nothing when nothing was left out', () => {
    const budget = new AnnotationBudget(() => undefined);
    budget.add({ level: 'notice', message: 'ok' });
    expect(budget.omittedNote()).toBe('');
  });
});

describe('SummaryBuilder', () => {
  test('tables escape pipes and newlines so cells cannot break the layout', () => {
    expect(markdownTable(['a', 'b'], [['x|y', 'line1\nline2']])).toBe(
      '| a | b |\n| --- | --- |\n| x\\|y | line1<br>line2 |\n',
    );
  });

  test('stays under the size cap and says how much it left out', () => {
    const summary = new SummaryBuilder(4096);
    for (let i = 0; i < 20; i++) summary.paragraph(`section ${i} ${'x'.repeat(400)}`);
    const text = summary.toString();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(4096);
    expect(text).toContain('section 0');
    expect(text).toMatch(/> \d+ more section\(s\) left out: GitHub limits a step summary to 1 MiB/);
  });
});

describe('SecretRedactor', () => {
  test('registers each secret with the runner and redacts it, its lines and its base64 form', () => {
    const registered: string[] = [];
    const redactor = new SecretRedactor((value) => registered.push(value));
    redactor.add('s3cr3t-canary-value');
    redactor.add('-----BEGIN KEY-----\nAAAAB3NzaC1yc2E\n-----END KEY-----');
    const base64 = Buffer.from('s3cr3t-canary-value').toString('base64');
    expect(registered).toContain('s3cr3t-canary-value');
    expect(registered).toContain(base64);
    expect(registered).toContain('AAAAB3NzaC1yc2E');
    expect(redactor.redact(`token=s3cr3t-canary-value and ${base64} key AAAAB3NzaC1yc2E`)).toBe(
      'token=*** and *** key ***',
    );
  });

  test('ignores empty and very short values that would shred ordinary text', () => {
    const redactor = new SecretRedactor(() => undefined);
    redactor.add('');
    redactor.add(undefined);
    redactor.add('a');
    expect(redactor.size).toBe(0);
    expect(redactor.redact('a cat')).toBe('a cat');
  });
});
