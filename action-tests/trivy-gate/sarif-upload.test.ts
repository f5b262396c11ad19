import * as zlib from 'node:zlib';
import { MemoryLogger } from '@alt-las/action-kit';
import { uploadSarif } from '@alt-las/scan';

const TOKEN = 'ghs_uploadCanary0123456789';

function fakeFetch(answers: { status: number; body?: unknown; headers?: Record<string, string> }[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
      status: answer.status,
      headers: answer.headers,
    });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const sleeps: number[] = [];
const clock = { now: () => 0, sleep: async (ms: number) => void sleeps.push(ms) };
const options = (fetch: typeof globalThis.fetch) => ({
  apiUrl: 'https://api.github.example/',
  repository: 'alt-las/alt-las',
  token: TOKEN,
  commitSha: 'a'.repeat(40),
  ref: 'refs/tags/v1.0.0',
  logger: new MemoryLogger(),
  fetch,
  clock,
});

beforeEach(() => sleeps.splice(0));

test('the body carries the SARIF gzipped and base64-encoded, with commit and ref', async () => {
  const { fetch, calls } = fakeFetch([{ status: 202, body: { id: 'abc', url: 'https://x' } }]);
  const receipt = await uploadSarif('{"version":"2.1.0","runs":[]}', options(fetch));
  expect(receipt.id).toBe('abc');
  expect(calls[0]!.url).toBe('https://api.github.example/repos/alt-las/alt-las/code-scanning/sarifs');
  const body = JSON.parse(String(calls[0]!.init.body)) as Record<string, string>;
  expect(zlib.gunzipSync(Buffer.from(body.sarif!, 'base64')).toString()).toBe(
    '{"version":"2.1.0","runs":[]}',
  );
  expect(body).toMatchObject({ commit_sha: 'a'.repeat(40), ref: 'refs/tags/v1.0.0' });
  expect((calls[0]!.init.headers as Record<string, string>).authorization).toBe(`Bearer ${TOKEN}`);
});

test('429 waits as Retry-After says, 5xx backs off, then the upload goes through', async () => {
  const { fetch, calls } = fakeFetch([
    { status: 429, body: { message: 'rate limited' }, headers: { 'retry-after': '7' } },
    { status: 503, body: { message: 'unavailable' } },
    { status: 202, body: { id: 'ok' } },
  ]);
  expect((await uploadSarif('{}', options(fetch))).id).toBe('ok');
  expect(calls).toHaveLength(3);
  expect(sleeps[0]).toBe(7000);
  expect(sleeps[1]).toBeGreaterThan(0);
});

test('a 403 is not retried and the message has no token', async () => {
  const { fetch, calls } = fakeFetch([
    { status: 403, body: { message: 'Resource not accessible by integration' } },
  ]);
  const attempt = uploadSarif('{}', options(fetch));
  await expect(attempt).rejects.toThrow(
    'code scanning upload answered 403: Resource not accessible by integration',
  );
  await expect(attempt).rejects.not.toThrow(TOKEN);
  expect(calls).toHaveLength(1);
});
