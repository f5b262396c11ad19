import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

/** What the proxy does to one request instead of forwarding it. */
export type Fault =
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; retryAfter?: string }
  /** Closes the connection without answering (what a reset or a dying load balancer looks like). */
  | { kind: 'drop' };

export interface ProxiedRequest {
  /** 1-based position among all requests the proxy received. */
  index: number;
  method: string;
  path: string;
}

export type FaultSchedule = (request: ProxiedRequest) => Fault | undefined;

export interface ProxyLogEntry extends ProxiedRequest {
  /** The status returned to the client, or `dropped`. */
  outcome: number | 'dropped';
  injected: boolean;
  /** When the request arrived (ms since the epoch). */
  at: number;
}

export interface FaultProxy {
  /** `127.0.0.1:<port>`: use as the registry host (plain HTTP). */
  host: string;
  url: string;
  requests: ProxyLogEntry[];
  /** Blob uploads the registry completed (201 to a PUT that closes an upload). */
  uploadedBlobs(): string[];
  /** Request body bytes forwarded on upload requests (PATCH/PUT/POST under /blobs/uploads/). */
  uploadedBytes(): number;
  setSchedule(schedule: FaultSchedule | undefined): void;
  stop(): Promise<void>;
}

const UPLOAD = /\/blobs\/uploads\//;

/**
 * A plain-HTTP reverse proxy in front of a registry that injects faults on a schedule and
 * counts what passes through, so tests can assert both resilience and "nothing re-uploaded".
 */
export async function startFaultProxy(options: {
  target: string;
  caFile?: string;
  schedule?: FaultSchedule;
}): Promise<FaultProxy> {
  const target = new URL(options.target);
  const secure = target.protocol === 'https:';
  const agentOptions = { keepAlive: true, ca: options.caFile ? fs.readFileSync(options.caFile) : undefined };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  let schedule = options.schedule;
  const requests: ProxyLogEntry[] = [];
  const uploaded: string[] = [];
  let uploadBytes = 0;

  const server = http.createServer((request, response) => {
    const entry: ProxyLogEntry = {
      index: requests.length + 1,
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      outcome: 'dropped',
      injected: false,
      at: Date.now(),
    };
    requests.push(entry);
    const fault = schedule?.(entry);
    if (fault) {
      entry.injected = true;
      if (fault.kind === 'drop') {
        request.socket.destroy();
        return;
      }
      entry.outcome = fault.status;
      const headers: Record<string, string> = { 'content-type': 'application/json', connection: 'close' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      response.writeHead(fault.status, headers);
      response.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'injected fault' }] }));
      request.resume();
      return;
    }
    const isUpload = UPLOAD.test(entry.path) && entry.method !== 'GET' && entry.method !== 'DELETE';
    const headers = { ...request.headers, 'x-forwarded-proto': 'http' };
    const upstream = (secure ? https : http).request(
      {
        host: target.hostname,
        port: target.port,
        method: entry.method,
        path: entry.path,
        headers,
        agent,
      },
      (upstreamResponse) => {
        entry.outcome = upstreamResponse.statusCode ?? 502;
        if (isUpload && entry.method === 'PUT' && entry.outcome === 201) {
          const digest = new URL(entry.path, 'http://x').searchParams.get('digest');
          if (digest) uploaded.push(digest);
        }
        response.writeHead(entry.outcome, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    if (isUpload) request.on('data', (chunk: Buffer) => (uploadBytes += chunk.length));
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    uploadedBlobs: () => [...uploaded],
    uploadedBytes: () => uploadBytes,
    setSchedule: (next) => (schedule = next),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          agent.destroy();
          resolve();
        });
      }),
  };
}

/** Faults for the requests at the given 1-based positions among those matching `match`. */
export function faultsAt(
  positions: Record<number, Fault>,
  match: (request: ProxiedRequest) => boolean = () => true,
): FaultSchedule {
  let seen = 0;
  return (request) => (match(request) ? positions[++seen] : undefined);
}
