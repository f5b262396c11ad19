import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (request: RecordedRequest, res: http.ServerResponse) => void | Promise<void>;

export interface TestServerOptions {
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string; allowLegacyProtocols?: boolean };
  /** Headers on every response unless a handler overrides them (e.g. security headers). */
  defaultHeaders?: Record<string, string>;
  routes?: Record<string, Handler>;
}

export interface TestServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replaces or adds the handler of an exact path (query string ignored). */
  route(path: string, handler: Handler): void;
  stop(): Promise<void>;
}

/**
 * A real HTTP or HTTPS server on 127.0.0.1 (ephemeral port) whose answers the test scripts per path;
 * unknown paths answer 404. Every request is recorded so tests can see what the action sent.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const routes = new Map(Object.entries(options.routes ?? {}));
  const requests: RecordedRequest[] = [];
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0]!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      for (const [name, value] of Object.entries(options.defaultHeaders ?? {})) res.setHeader(name, value);
      const handler = routes.get(recorded.path);
      if (!handler) return respond(res, 404, { error: 'not found' });
      Promise.resolve(handler(recorded, res)).catch((error: unknown) => {
        if (!res.headersSent) respond(res, 500, { error: String(error) });
        else res.destroy();
      });
    });
  };
  const server = options.tls
    ? https.createServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(options.tls.allowLegacyProtocols
            ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT:@SECLEVEL=0' }
            : {}),
        },
        listener,
      )
    : http.createServer(listener);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    route: (path, handler) => routes.set(path, handler),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function respond(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    ...headers,
  });
  res.end(text);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers `status` with a JSON body, optionally after a delay. */
export const json =
  (
    status: number,
    body: unknown,
    options: { delayMs?: number; headers?: Record<string, string> } = {},
  ): Handler =>
  async (_request, res) => {
    if (options.delayMs) await sleep(options.delayMs);
    respond(res, status, body, options.headers);
  };

/** 503 until `ms` after the first request (a service still warming up), then 200 {status: ok}. */
export function healthyAfter(ms: number): Handler {
  let first: number | undefined;
  return (_request, res) => {
    first ??= Date.now();
    if (Date.now() - first < ms) respond(res, 503, { status: 'starting' });
    else respond(res, 200, { status: 'ok' });
  };
}

/** Every `every`-th request answers 500, the rest 200. */
export function failEvery(every: number, body: unknown = { status: 'ok' }): Handler {
  let count = 0;
  return (_request, res) => {
    count++;
    if (count % every === 0) respond(res, 500, { error: 'internal error' });
    else respond(res, 200, body);
  };
}

/** Some requests wait `slowMs` before answering: the given share of them, spread evenly. */
export function slowShare(share: number, slowMs: number): Handler {
  let count = 0;
  const every = Math.max(1, Math.round(1 / share));
  return async (_request, res) => {
    count++;
    if (count % every === 0) await sleep(slowMs);
    respond(res, 200, { status: 'ok' });
  };
}

/** Forwards the request to `target` (another test server): the gateway's routing to a backend. */
export function proxyTo(target: string): Handler {
  return (request, res) =>
    new Promise<void>((resolve, reject) => {
      const upstream = http.request(
        `${target}${request.path}`,
        { method: request.method, headers: { ...request.headers, host: new URL(target).host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
        },
      );
      upstream.on('error', reject);
      upstream.end(request.body);
    });
}

/** Plain-HTTP answer that sends the client to the HTTPS origin. */
export const redirectTo =
  (httpsOrigin: string, status = 301): Handler =>
  (request, res) => {
    res.writeHead(status, { location: `${httpsOrigin}${request.path}` });
    res.end();
  };
