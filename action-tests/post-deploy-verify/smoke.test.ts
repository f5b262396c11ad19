import { MemoryLogger, type Clock } from '@alt-las/action-kit';
import { runSmokeTests, type HttpClient, type HttpResponse, type SmokeRequest } from '@alt-las/verify';

const clock = (): Clock & { slept: number[] } => {
  const slept: number[] = [];
  return { slept, now: () => slept.reduce((a, b) => a + b, 0), sleep: async (ms) => void slept.push(ms) };
};

const answer = (
  status: number,
  body: unknown = { status: 'ok' },
  headers: Record<string, string> = {},
): HttpResponse => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  latencyMs: 12.4,
});

/** Plays the given answers (or thrown errors) in order and counts the calls. */
function script(...steps: (HttpResponse | Error)[]): HttpClient & { calls: number } {
  const client = Object.assign(
    async () => {
      client.calls++;
      const step = steps.shift()!;
      if (step instanceof Error) throw step;
      return step;
    },
    { calls: 0 },
  );
  return client;
}

const request = (overrides: Partial<SmokeRequest> = {}): SmokeRequest => ({
  name: 'items',
  method: 'GET',
  path: '/items',
  headers: {},
  expectStatus: [200],
  json: [],
  ...overrides,
});

const run = (http: HttpClient, requests: SmokeRequest[], time = clock()) =>
  runSmokeTests(requests, (path) => `https://gw.example${path}`, {
    http,
    logger: new MemoryLogger(),
    extraHeaders: () => ({}),
    clock: time,
  });

test('a dropped connection is tried again; a 5xx is the result', async () => {
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const flaky = script(reset, answer(200));
  expect((await run(flaky, [request()]))[0]).toMatchObject({ status: 'pass', message: 'HTTP 200 in 12ms' });
  expect(flaky.calls).toBe(2);

  const broken = script(answer(502, 'bad gateway'));
  expect((await run(broken, [request()]))[0]).toMatchObject({
    status: 'fail',
    message: 'HTTP 502, expected 200 (body: bad gateway)',
  });
  expect(broken.calls).toBe(1);
});

test('429 waits as Retry-After asks, and stays a failure when it persists', async () => {
  const time = clock();
  const slowDown = script(answer(429, '', { 'retry-after': '2' }), answer(200));
  expect((await run(slowDown, [request()], time))[0]!.status).toBe('pass');
  expect(time.slept).toEqual([2000]);

  const always = script(answer(429, 'slow down'), answer(429, 'slow down'), answer(429, 'slow down'));
  expect((await run(always, [request()]))[0]!.message).toBe('HTTP 429, expected 200 (body: slow down)');
  expect(always.calls).toBe(3);
});

test('JSON assertions and the latency limit are checked together', async () => {
  const http = script(answer(200, { state: 'failed' }));
  const [result] = await run(http, [
    request({ json: [{ path: 'state', equals: 'queued' }, { path: 'id' }], maxLatencyMs: 10 }),
  ]);
  expect(result!.message).toBe('state is "failed", expected "queued"; id is missing; took 12ms, limit 10ms');
  const notJson = await run(script(answer(200, '<html>')), [request({ json: [{ path: 'a' }] })]);
  expect(notJson[0]!.message).toBe('the body is not JSON: <html>');
});
