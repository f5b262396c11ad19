import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { json, proxyTo, redirectTo, startTestServer, type Handler, type TestServer } from '../harness/http';
import type { IssuedCertificate } from '../harness/http';

export const SERVICES = ['segmentation-service', 'ai-orchestrator', 'archive-service'] as const;

export const SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  server: 'alt-las-gateway',
};

export interface ReleaseFixture {
  gateway: TestServer;
  backends: Record<(typeof SERVICES)[number], TestServer>;
  plainHttp: TestServer;
  /** Checks file for this topology; `overrides` replaces whole top-level sections. */
  writeChecks(dir: string, overrides?: Record<string, unknown>): string;
  stop(): Promise<void>;
}

/**
 * A small ALT_LAS deployment on 127.0.0.1: an HTTPS gateway that routes /api/<service>/* to three
 * plain-HTTP backends, and a plain-HTTP listener that redirects to the gateway.
 */
export async function startRelease(options: {
  cert: IssuedCertificate;
  gatewayHeaders?: Record<string, string>;
  backendHealth?: Partial<Record<(typeof SERVICES)[number], Handler>>;
  allowLegacyTls?: boolean;
}): Promise<ReleaseFixture> {
  const backends = {} as Record<(typeof SERVICES)[number], TestServer>;
  for (const service of SERVICES) {
    backends[service] = await startTestServer({
      routes: {
        '/health': options.backendHealth?.[service] ?? json(200, { status: 'ok', service }),
        // The gateway forwards its own path, so the backend answers the routed path.
        [`/api/${service}/info`]: json(200, { service, version: '1.0.0' }),
      },
    });
  }
  const gateway = await startTestServer({
    tls: { key: options.cert.key, cert: options.cert.cert, allowLegacyProtocols: options.allowLegacyTls },
    defaultHeaders: options.gatewayHeaders ?? SECURITY_HEADERS,
    routes: {
      '/health': json(200, { status: 'ok' }),
      ...Object.fromEntries(
        SERVICES.map((service) => [`/api/${service}/info`, proxyTo(backends[service].url)]),
      ),
    },
  });
  const plainHttp = await startTestServer({ routes: { '/health': redirectTo(gateway.url) } });

  return {
    gateway,
    backends,
    plainHttp,
    writeChecks(dir, overrides = {}) {
      const checks = {
        health: {
          'stable-checks': 1,
          'stable-interval': '200ms',
          endpoints: [
            { service: 'api-gateway', url: '/health' },
            ...SERVICES.map((service) => ({ service, url: `${backends[service].url}/health` })),
          ],
        },
        smoke: SERVICES.map((service) => ({
          name: `gateway routes to ${service}`,
          service,
          path: `/api/${service}/info`,
          expect: {
            status: 200,
            'max-latency': '2s',
            json: [
              { path: 'service', equals: service },
              { path: 'version', matches: '^\\d+\\.\\d+\\.\\d+$' },
            ],
          },
        })),
        load: { path: '/health' },
        security: { path: '/health', 'https-redirect': `${plainHttp.url}/health` },
        cluster: false,
        ...overrides,
      };
      const file = path.join(dir, 'checks.yaml');
      fs.writeFileSync(file, stringify(checks));
      return file;
    },
    async stop() {
      await Promise.all([
        gateway.stop(),
        plainHttp.stop(),
        ...SERVICES.map((service) => backends[service].stop()),
      ]);
    },
  };
}
