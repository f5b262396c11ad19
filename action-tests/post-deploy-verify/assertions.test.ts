import {
  checkJsonAssertion,
  decideVerdict,
  parseJsonPath,
  resolveJsonPath,
  type CheckResult,
} from '@alt-las/verify';

test('JSON paths: keys, indexes, quoted keys and an optional $', () => {
  expect(parseJsonPath('$.data.items[2].id')).toEqual(['data', 'items', 2, 'id']);
  expect(parseJsonPath('meta["content-type"]')).toEqual(['meta', 'content-type']);
  expect(parseJsonPath('$')).toEqual([]);
  expect(() => parseJsonPath('a..b')).toThrow('JSON path "a..b" is not valid at "..b"');
  expect(() => parseJsonPath('a[x]')).toThrow('is not valid at "[x]"');
  expect(resolveJsonPath({ a: [{ b: null }] }, ['a', 0, 'b'])).toEqual({ found: true, value: null });
  expect(resolveJsonPath({ a: [] }, ['a', 0])).toEqual({ found: false });
  expect(resolveJsonPath({ a: 'text' }, ['a', 'length'])).toEqual({ found: false });
});

test('assertions report each broken expectation', () => {
  const body = { status: 'degraded', version: '1.0', items: [1, 2], ok: true };
  expect(checkJsonAssertion(body, { path: 'status', equals: 'ok' })).toEqual([
    'status is "degraded", expected "ok"',
  ]);
  expect(checkJsonAssertion(body, { path: 'items', equals: [1, 2], type: 'array' })).toEqual([]);
  expect(checkJsonAssertion(body, { path: 'version', matches: '^\\d+\\.\\d+\\.\\d+$' })).toEqual([
    'version is "1.0", which does not match /^\\d+\\.\\d+\\.\\d+$/',
  ]);
  expect(checkJsonAssertion(body, { path: 'ok', type: 'string' })).toEqual([
    'ok is of type boolean, expected string',
  ]);
  expect(checkJsonAssertion(body, { path: 'error', exists: true })).toEqual(['error is missing']);
  expect(checkJsonAssertion(body, { path: 'error', exists: false })).toEqual([]);
  expect(checkJsonAssertion(body, { path: 'ok', exists: false })).toEqual([
    'ok is present (true) but should not be',
  ]);
});

test('only failures in fail-on categories decide the verdict', () => {
  const results: CheckResult[] = [
    { category: 'health', name: 'api-gateway', status: 'pass', message: '' },
    { category: 'security', name: 'HSTS', status: 'fail', message: 'missing' },
    { category: 'cluster', name: 'cluster', status: 'skip', message: 'no kubeconfig' },
  ];
  expect(decideVerdict(results, ['health', 'load'])).toEqual({
    verdict: 'pass',
    blocking: [],
    advisory: [{ category: 'security', name: 'HSTS', message: 'missing' }],
  });
  expect(decideVerdict(results, ['security']).verdict).toBe('fail');
  // A skipped check never passes or fails anything.
  expect(decideVerdict(results.slice(2), ['cluster']).verdict).toBe('pass');
});
