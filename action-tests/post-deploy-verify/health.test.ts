import { MemoryLogger, type Clock } from '@alt-las/action-kit';
import { checkHealth, type HealthSettings, type HttpClient, type HttpRequest } from '@alt-las/verify';

/** Time that only moves when the code under test sleeps. */
class FakeClock implements Clock {
  current = 0;
  readonly sleeps: number[] = [];
  now = () => this.current;
  sleep = async (ms: number) => {
    this.sleeps.push(ms);
    this.current += ms;
  };
}

type Answer = number | Error;

/** Answers each URL from its own script of statuses (the last one repeats). */
function scripted(scripts: Record<string, Answer[]>): HttpClient & { calls: string[] } {
  const calls: string[] = [];
  const client = async (request: HttpRequest) => {
    calls.push(request.url);
    const script = scripts[request.url]!;
    const answer = script.length > 1 ? script.shift()! : script[0]!;
    if (answer instanceof Error) throw answer;
    return { status: answer, headers: {}, body: '', latencyMs: 1 };
  };
  return Object.assign(client, { calls });
}

const settings = (urls: string[], stableChecks = 0): HealthSettings => ({
  endpoints: urls.map((url) => ({ service: url.replace('http://', ''), url, expectStatus: [200] })),
  stableChecks,
  stableIntervalMs: 1000,
});

const certificateError = () =>
  Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });

test('retries with growing, jittered waits until the service answers healthy', async () => {
  const clock = new FakeClock();
  const http = scripted({ 'http://a': [503, 503, new Error('ECONNREFUSED'), 200] });
  const [result] = await checkHealth(settings(['http://a']), (url) => url, {
    http,
    clock,
    random: () => 0.5,
    logger: new MemoryLogger(),
    warmupMs: 60_000,
  });
  expect(result).toMatchObject({
    status: 'pass',
    message: 'healthy after 2625ms (4 attempt(s))',
    details: { attempts: 4 },
  });
  // Exponential backoff with jitter: half the ceiling plus a random share of the other half.
  expect(clock.sleeps).toEqual([375, 750, 1500]);
});

test('gives up at the warm-up deadline with the last reason', async () => {
  const clock = new FakeClock();
  const [result] = await checkHealth(settings(['http://down']), (url) => url, {
    http: scripted({ 'http://down': [503] }),
    clock,
    random: () => 1,
    logger: new MemoryLogger(),
    warmupMs: 10_000,
  });
  expect(result!.status).toBe('fail');
  expect(result!.message).toMatch(
    /^not healthy within the warm-up time of 10s after \d+ attempt\(s\): HTTP 503 \(expected 200\)$/,
  );
  expect(clock.current).toBeLessThanOrEqual(10_000);
});

test('a service that flaps right after becoming healthy fails as unstable', async () => {
  const [result] = await checkHealth(settings(['http://flaky'], 2), (url) => url, {
    http: scripted({ 'http://flaky': [200, 200, 500] }),
    clock: new FakeClock(),
    logger: new MemoryLogger(),
    warmupMs: 10_000,
  });
  expect(result).toMatchObject({
    status: 'fail',
    message: 'healthy after 0ms but not stable: check 2 of 2 afterwards failed: HTTP 500 (expected 200)',
  });
});

test('a certificate error is not retried', async () => {
  const http = scripted({ 'https://bad': [certificateError()] });
  const [result] = await checkHealth(settings(['https://bad']), (url) => url, {
    http,
    clock: new FakeClock(),
    logger: new MemoryLogger(),
    warmupMs: 60_000,
  });
  expect(http.calls).toHaveLength(1);
  expect(result!.message).toBe('TLS certificate rejected: certificate has expired (see the security checks)');
});

test('endpoints are checked concurrently', async () => {
  let inFlight = 0;
  let peak = 0;
  const http: HttpClient = async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight--;
    return { status: 200, headers: {}, body: '', latencyMs: 20 };
  };
  const results = await checkHealth(
    settings(['http://a', 'http://b', 'http://c', 'http://d']),
    (url) => url,
    {
      http,
      logger: new MemoryLogger(),
      warmupMs: 5000,
    },
  );
  expect(results.map((result) => result.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  expect(peak).toBe(4);
});
