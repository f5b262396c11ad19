import { ConfigurationError, InputReader, parseDuration, environmentInputs } from '@alt-las/action-kit';

const reader = (values: Record<string, string>) => new InputReader((name) => values[name] ?? '');

function errorOf(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('InputReader', () => {
  test('a missing required input names the input', () => {
    const error = errorOf(() => reader({}).string('release-manifest', { required: true }));
    expect(error.message).toBe('Input required and not supplied: release-manifest');
    expect(error.subject).toBe('release-manifest');
  });

  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['FALSE', false],
  ])('boolean %s', (raw, expected) => {
    expect(reader({ flag: raw }).boolean('flag')).toBe(expected);
  });

  test('a bad boolean names the input and the accepted values', () => {
    expect(errorOf(() => reader({ 'dry-run': 'maybe' }).boolean('dry-run')).message).toBe(
      'input "dry-run": got "maybe", expected one of true, false',
    );
  });

  test('integers are range-checked', () => {
    expect(reader({ parallel: '3' }).integer('parallel', { min: 1 })).toBe(3);
    expect(reader({}).integer('parallel', { default: 2, min: 1 })).toBe(2);
    expect(errorOf(() => reader({ parallel: '0' }).integer('parallel', { min: 1 })).message).toBe(
      'input "parallel": got "0", expected an integer >= 1',
    );
    expect(
      errorOf(() => reader({ parallel: '2.5' }).integer('parallel', { min: 1, max: 8 })).message,
    ).toContain('an integer >= 1 <= 8');
  });

  test('numbers reject negatives when a minimum is set', () => {
    expect(reader({ rate: '0.05' }).number('rate', { min: 0 })).toBe(0.05);
    expect(errorOf(() => reader({ rate: '-1' }).number('rate', { min: 0 })).message).toContain(
      'input "rate"',
    );
    expect(errorOf(() => reader({ rate: 'lots' }).number('rate')).message).toContain('expected a number');
  });

  test('enums list the accepted values', () => {
    expect(reader({ mode: 'diff' }).enum('mode', ['deploy', 'diff'] as const)).toBe('diff');
    expect(errorOf(() => reader({ mode: 'apply' }).enum('mode', ['deploy', 'diff'] as const)).message).toBe(
      'input "mode": got "apply", expected one of deploy, diff',
    );
  });

  test('lists split on commas and newlines and drop blanks and comments', () => {
    expect(reader({ services: 'a, b\n\n# skip\nc,' }).list('services')).toEqual(['a', 'b', 'c']);
    expect(reader({ images: 'x,y\nz' }).lines('images')).toEqual(['x,y', 'z']);
  });

  test('key=value lines keep everything after the first =', () => {
    expect(reader({ vars: 'A=1\nB=x=y' }).keyValues('vars')).toEqual({ A: '1', B: 'x=y' });
    expect(errorOf(() => reader({ vars: 'A=1\nnovalue' }).keyValues('vars')).message).toBe(
      'input "vars": got "novalue", expected lines of the form NAME=value',
    );
  });

  test('durations', () => {
    expect(reader({ timeout: '1h30m' }).duration('timeout')).toBe(5_400_000);
    expect(reader({}).duration('timeout', { default: '10m' })).toBe(600_000);
    expect(errorOf(() => reader({ timeout: 'soon' }).duration('timeout')).message).toBe(
      'input "timeout": got "soon", expected a duration such as 30s, 10m or 1h30m',
    );
  });

  test('JSON and YAML errors name the input', () => {
    expect(reader({ data: '{"a":1}' }).json('data')).toEqual({ a: 1 });
    expect(errorOf(() => reader({ data: '{a' }).json('data')).message).toMatch(
      /^input "data": not valid JSON/,
    );
    expect(reader({ secrets: 'db:\n  password: DB_PASSWORD\n' }).yaml('secrets')).toEqual({
      db: { password: 'DB_PASSWORD' },
    });
    expect(errorOf(() => reader({ secrets: 'a: [1\nb: 2' }).yaml('secrets')).message).toMatch(
      /^input "secrets": not valid YAML at line \d/,
    );
  });

  test('string patterns describe what was expected', () => {
    expect(
      errorOf(() =>
        reader({ tag: 'Bad Tag' }).string('tag', { pattern: /^\S+$/, describe: 'a tag without spaces' }),
      ).message,
    ).toBe('input "tag": got "Bad Tag", expected a tag without spaces');
  });

  test('environmentInputs reads INPUT_ variables the way the runner writes them', () => {
    const source = environmentInputs({ 'INPUT_DRY-RUN': ' true ', INPUT_FAIL_ON: 'new' });
    expect(source('dry-run')).toBe('true');
    expect(source('fail on')).toBe('new');
    expect(source('missing')).toBe('');
  });
});

describe('parseDuration', () => {
  test.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['10m', 600_000],
    ['48h', 172_800_000],
    ['2d', 172_800_000],
    ['90', 90_000],
    ['1m30s', 90_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(['', 'abc', '10x', '-5s', 'm10'])('rejects %p', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
