import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** false skips certificate verification: for inspecting headers when the TLS checks report the certificate. */
  verifyTls?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** From sending the request to the last byte of the body. */
  latencyMs: number;
}

/** One HTTP exchange without following redirects; rejects on network errors and timeouts. */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

/** Bodies are read for assertions only; anything larger is cut off so a runaway answer cannot exhaust memory. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpClientOptions {
  /** Extra trusted certificate authorities (PEM), added to Node's bundled roots. */
  ca?: string;
  defaultTimeoutMs?: number;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const ca = trustedAuthorities(options.ca);
  return (request) =>
    new Promise((resolve, reject) => {
      const url = new URL(request.url);
      const transport = url.protocol === 'https:' ? https : http;
      const started = performance.now();
      const body = request.body !== undefined ? Buffer.from(request.body) : undefined;
      const req = transport.request(
        url,
        {
          method: request.method ?? 'GET',
          headers: {
            'user-agent': 'alt-las-post-deploy-verify',
            ...(body ? { 'content-length': String(body.length) } : {}),
            ...request.headers,
          },
          ca,
          rejectUnauthorized: request.verifyTls ?? true,
          agent: false,
          timeout: request.timeoutMs ?? options.defaultTimeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < MAX_BODY_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
              latencyMs: performance.now() - started,
            }),
          );
        },
      );
      req.on('timeout', () =>
        req.destroy(
          new Error(`no answer within ${request.timeoutMs ?? options.defaultTimeoutMs ?? 10_000}ms`),
        ),
      );
      req.on('error', reject);
      req.end(body);
    });
}

/** Node's bundled roots plus the extra PEM, or undefined to keep Node's default trust. */
export function trustedAuthorities(extraPem: string | undefined): string[] | undefined {
  return extraPem ? [...tls.rootCertificates, extraPem] : undefined;
}

/** Header value as one string (joined when repeated), or undefined. */
export function headerValue(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A TLS verification failure: retrying cannot fix it, and the security checks explain it in detail. */
export function isCertificateError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    typeof code === 'string' && /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)
  );
}
