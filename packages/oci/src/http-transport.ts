import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { RegistryError, RegistryTlsError } from './registry-errors';

/** Certificate failures: permanent for this configuration, unlike resets and timeouts. */
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** A buffer, or a factory so a retried request can reopen its stream from the start. */
  body?: Buffer | (() => Readable);
  contentLength?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** The one seam the registry client uses for the network; tests can substitute a fake. */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * A keep-alive transport over node:http(s). Connection failures become RegistryError with
 * status 0 (transient), so retries treat a reset like a 503. Trust for private CAs comes from
 * NODE_EXTRA_CA_CERTS, as for every Node program on the runner.
 */
export function nodeTransport(options: { maxSockets?: number; timeoutMs?: number } = {}): HttpTransport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  const timeoutMs = options.timeoutMs ?? 120_000;
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string> = { ...request.headers };
      const body = typeof request.body === 'function' ? request.body() : request.body;
      const length = request.contentLength ?? (Buffer.isBuffer(body) ? body.length : undefined);
      if (length !== undefined) headers['content-length'] = String(length);
      const fail = (error: Error & { code?: string }) => {
        if (body && !Buffer.isBuffer(body)) body.destroy();
        const message = `${request.method} ${url.pathname}: ${error.message}`;
        reject(
          error.code && TLS_CODES.test(error.code)
            ? new RegistryTlsError(
                `${message} (${error.code}); for a private CA, point NODE_EXTRA_CA_CERTS at its certificate`,
                0,
              )
            : new RegistryError(message, 0),
        );
      };
      const outgoing = (secure ? https : http).request(
        url,
        { method: request.method, headers, agent: agents[secure ? 'https:' : 'http:'], timeout: timeoutMs },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('aborted', () => fail(new Error('response aborted')));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
              ),
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no response within ${timeoutMs / 1000}s`)));
      outgoing.on('error', fail);
      if (body === undefined) outgoing.end();
      else if (Buffer.isBuffer(body)) outgoing.end(body);
      else {
        body.on('error', (error) => outgoing.destroy(error));
        body.pipe(outgoing);
      }
    });
}
