import { MemoryLogger, type Exec } from '@alt-las/action-kit';
import {
  defaultChecksPlan,
  runVerification,
  type HttpClient,
  type HttpRequest,
  type LoadRun,
  type VerifySettings,
} from '@alt-las/verify';

const ok = { status: 200, headers: {}, body: '{"status":"ok"}', latencyMs: 3 };
const noExec: Exec = async () => {
  throw new Error('kubectl must not run without a kubeconfig');
};

function settings(overrides: Partial<VerifySettings> = {}): VerifySettings {
  return {
    baseUrl: new URL('https://gw.example/api'),
    plan: {
      ...defaultChecksPlan(),
      health: {
        endpoints: [{ service: 'api-gateway', url: '/health', expectStatus: [200] }],
        stableChecks: 0,
        stableIntervalMs: 0,
      },
      smoke: [
        { name: 'own', method: 'GET', path: '/items', headers: {}, expectStatus: [200], json: [] },
        {
          name: 'elsewhere',
          method: 'GET',
          path: 'https://other.example/items',
          headers: {},
          expectStatus: [200],
          json: [],
        },
      ],
      security: false,
    },
    authHeader: 'Bearer secret-token',
    warmupMs: 1000,
    loadDurationMs: 1000,
    loadConnections: 2,
    thresholds: { p95Ms: 100, maxErrorRate: 0.01 },
    tlsMinDays: 14,
    namespace: 'atlas-production',
    ...overrides,
  };
}

const fakeLoad = async (options: {
  url: string;
  extraHeaders: Record<string, string>;
}): Promise<LoadRun> => ({
  url: `${options.url} ${JSON.stringify(options.extraHeaders)}`,
  method: 'GET',
  connections: 2,
  durationMs: 1000,
  requests: 100,
  failed: 0,
  errorRate: 0,
  rps: 100,
  statusCodes: { '200': 100 },
  networkErrors: 0,
  latency: { count: 100, min: 1, mean: 2, p50: 2, p90: 3, p95: 4, p99: 5, max: 6 },
  histogram: [{ label: '1-2ms', count: 100 }],
});

test('paths join the base URL, and the auth header goes to the gateway origin only', async () => {
  const seen: HttpRequest[] = [];
  const http: HttpClient = async (request) => {
    seen.push(request);
    return ok;
  };
  const { checks, load } = await runVerification(settings(), {
    http,
    exec: noExec,
    logger: new MemoryLogger(),
    loadTest: fakeLoad,
  });
  expect(seen.map((request) => [request.url, request.headers?.authorization])).toEqual([
    ['https://gw.example/api/health', undefined],
    ['https://gw.example/api/items', 'Bearer secret-token'],
    ['https://other.example/items', undefined],
  ]);
  expect(load?.url).toBe('https://gw.example/api/health {"authorization":"Bearer secret-token"}');
  expect(checks.map((check) => `${check.category}/${check.name}: ${check.status}`)).toEqual([
    'health/api-gateway: pass',
    'smoke/own: pass',
    'smoke/elsewhere: pass',
    'load/error rate: pass',
    'load/p95 latency: pass',
    'security/security: skip',
    'cluster/cluster: skip',
  ]);
});

test('a failed health check skips the load test instead of measuring a broken release', async () => {
  let loadRan = false;
  const { checks } = await runVerification(settings({ warmupMs: 0 }), {
    http: async () => ({ ...ok, status: 503 }),
    exec: noExec,
    logger: new MemoryLogger(),
    loadTest: async () => {
      loadRan = true;
      throw new Error('not expected');
    },
  });
  expect(loadRan).toBe(false);
  expect(checks.find((check) => check.category === 'load')).toMatchObject({
    status: 'skip',
    message: 'not run: a health check failed, so the numbers would not describe the release',
  });
});
