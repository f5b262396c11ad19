import type { JsonAssertion } from './assertions';

/** The checks a run performs, as read from the checks file, and their defaults. */

export interface HealthEndpoint {
  service: string;
  /** Absolute URL, or a path resolved against the base URL. */
  url: string;
  expectStatus: number[];
}

export interface RequestSpec {
  method: string;
  /** Absolute URL, or a path resolved against the base URL. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface SmokeRequest extends RequestSpec {
  name: string;
  /** The backend the gateway should route this request to, for the routing table. */
  service?: string;
  expectStatus: number[];
  json: JsonAssertion[];
  maxLatencyMs?: number;
}

export interface LoadProfile extends RequestSpec {
  /** Requests per second across all connections; unset means as fast as the service answers. */
  rate?: number;
  timeoutMs: number;
}

export interface SecurityExpectations {
  /** Path whose HTTPS response is checked for headers. */
  path: string;
  tls: boolean;
  /** Plain-HTTP URL that must redirect to HTTPS; derived from the base URL when unset, off when false. */
  httpsRedirect: string | false | undefined;
  hstsMinAgeSeconds: number;
  headers: string[];
  serverVersionLeak: boolean;
}

export interface ClusterExpectations {
  defaultDeny: boolean;
  networkPolicies: boolean;
  nonRoot: boolean;
}

export interface HealthSettings {
  endpoints: HealthEndpoint[];
  /** Extra consecutive successes required once a service first answers. */
  stableChecks: number;
  stableIntervalMs: number;
}

/** The checks to run; a category set to `false` in the file is off (reported as skipped). */
export interface ChecksPlan {
  source: string;
  health: HealthSettings | false;
  smoke: SmokeRequest[] | false;
  load: LoadProfile | false;
  security: SecurityExpectations | false;
  cluster: ClusterExpectations | false;
}

export const DEFAULT_SECURITY_HEADERS = ['x-content-type-options', 'x-frame-options'];
const DEFAULT_HSTS_MIN_AGE = 15_552_000; // 180 days

export const defaultHealth = (): HealthSettings => ({
  endpoints: [{ service: 'api-gateway', url: '/health', expectStatus: [200] }],
  stableChecks: 2,
  stableIntervalMs: 1000,
});

export const defaultLoad = (): LoadProfile => ({
  method: 'GET',
  path: '/health',
  headers: {},
  timeoutMs: 10_000,
});

export const defaultSecurity = (): SecurityExpectations => ({
  path: '/health',
  tls: true,
  httpsRedirect: undefined,
  hstsMinAgeSeconds: DEFAULT_HSTS_MIN_AGE,
  headers: DEFAULT_SECURITY_HEADERS,
  serverVersionLeak: true,
});

export const defaultCluster = (): ClusterExpectations => ({
  defaultDeny: true,
  networkPolicies: true,
  nonRoot: true,
});

/** The plan when no checks file is given: the gateway's /health, a load test on it, full security. */
export function defaultChecksPlan(): ChecksPlan {
  return {
    source: '(defaults)',
    health: defaultHealth(),
    smoke: [],
    load: defaultLoad(),
    security: defaultSecurity(),
    cluster: defaultCluster(),
  };
}
