import { defaultChecksPlan, parseChecksFile } from '@alt-las/verify';

const parse = (lines: string[]) => parseChecksFile(lines.join('\n'), 'checks.yaml');
const error = (lines: string[]) => {
  try {
    parse(lines);
  } catch (caught) {
    return (caught as Error).message;
  }
  throw new Error('expected the checks file to be rejected');
};

test('an empty file means the defaults', () => {
  expect(parseChecksFile('', 'checks.yaml')).toEqual({ ...defaultChecksPlan(), source: 'checks.yaml' });
});

test('a full file is read into typed checks', () => {
  const plan = parse([
    'health:',
    '  stable-checks: 3',
    '  stable-interval: 250ms',
    '  endpoints:',
    '    - service: api-gateway',
    '      url: /health',
    '    - service: archive-service',
    '      url: http://127.0.0.1:9000/health',
    '      expect-status: [200, 204]',
    'smoke:',
    '  - name: create segmentation',
    '    service: segmentation-service',
    '    method: post',
    '    path: /api/segmentation/jobs',
    '    body: { image: "a.png", priority: 2 }',
    '    expect:',
    '      status: 202',
    '      max-latency: 1s',
    '      json:',
    '        - path: $.job.id',
    '        - path: job.state',
    '          equals: queued',
    'load:',
    '  path: /api/segmentation/health',
    '  rate: 100',
    'security: false',
    'cluster:',
    '  non-root: false',
  ]);
  expect(plan.health).toEqual({
    stableChecks: 3,
    stableIntervalMs: 250,
    endpoints: [
      { service: 'api-gateway', url: '/health', expectStatus: [200] },
      { service: 'archive-service', url: 'http://127.0.0.1:9000/health', expectStatus: [200, 204] },
    ],
  });
  expect(plan.smoke).toEqual([
    {
      name: 'create segmentation',
      service: 'segmentation-service',
      method: 'POST',
      path: '/api/segmentation/jobs',
      // A structured body is sent as JSON with its content type.
      headers: { 'content-type': 'application/json' },
      body: '{"image":"a.png","priority":2}',
      expectStatus: [202],
      maxLatencyMs: 1000,
      json: [
        { path: '$.job.id', exists: true },
        { path: 'job.state', equals: 'queued' },
      ],
    },
  ]);
  expect(plan.load).toEqual({
    method: 'GET',
    path: '/api/segmentation/health',
    headers: {},
    body: undefined,
    rate: 100,
    timeoutMs: 10_000,
  });
  expect(plan.security).toBe(false);
  expect(plan.cluster).toEqual({ defaultDeny: true, networkPolicies: true, nonRoot: false });
});

test('mistakes name the line and the field', () => {
  expect(error(['health:', '  - service: api-gateway', '    url: health'])).toBe(
    'checks.yaml:3: health.endpoints[0]: "url" must be a path starting with / or an http(s) URL, got "health"',
  );
  expect(error(['health:', '  - service: a', '    url: /h', '  - service: a', '    url: /h'])).toBe(
    'checks.yaml:4: health: duplicate service "a"',
  );
  expect(error(['load:', '  rate: -3'])).toBe('checks.yaml:2: load: "rate" must be a number >= 1, got -3');
  expect(error(['smoke:', '  - path: /x', '    method: FETCH'])).toBe(
    'checks.yaml:3: smoke request: "method" must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
  );
  expect(error(['security:', '  https-redirect: https://example.com'])).toBe(
    'checks.yaml:2: security: "https-redirect" must be an http:// URL or false',
  );
  expect(
    error([
      'smoke:',
      '  - path: /x',
      '    expect:',
      '      json:',
      '        - path: a',
      '          matches: "("',
    ]),
  ).toBe('checks.yaml:6: smoke request: "matches" is not a valid regular expression');
  expect(error(['checks:', '  - x'])).toBe(
    'checks.yaml:1: the checks file: unknown field "checks"; expected one of health, smoke, load, security, cluster',
  );
  expect(error(['health: []'])).toBe('checks.yaml:1: health.endpoints must list at least one endpoint');
});
