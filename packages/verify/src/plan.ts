import { plainHttpUrl } from './http-security';
import { resolveLocation } from './location';
import { check, type CheckResult } from './results';
import type { VerifySettings } from './verify';

/** What a run would check, each as `planned` (or `skip` when switched off): the dry-run report. */
export function planChecks(settings: VerifySettings): CheckResult[] {
  const { plan } = settings;
  const resolve = (location: string) => resolveLocation(settings.baseUrl, location);
  const off = (category: CheckResult['category']) =>
    check(category, category, 'skip', `switched off in ${plan.source}`);
  const https = settings.baseUrl.protocol === 'https:';
  return [
    ...(plan.health
      ? plan.health.endpoints.map((endpoint) =>
          check(
            'health',
            endpoint.service,
            'planned',
            `GET ${resolve(endpoint.url)} until ${endpoint.expectStatus.join('/')} within ${settings.warmupMs / 1000}s`,
          ),
        )
      : [off('health')]),
    ...(plan.smoke
      ? plan.smoke.map((request) =>
          check(
            'smoke',
            request.name,
            'planned',
            `${request.method} ${resolve(request.path)} expecting ${request.expectStatus.join('/')}${request.json.length ? ` and ${request.json.length} JSON assertion(s)` : ''}`,
          ),
        )
      : [off('smoke')]),
    plan.load
      ? check(
          'load',
          'load test',
          'planned',
          `${plan.load.method} ${resolve(plan.load.path)} with ${settings.loadConnections} connections for ${settings.loadDurationMs / 1000}s; p95 <= ${settings.thresholds.p95Ms}ms, error rate <= ${settings.thresholds.maxErrorRate}`,
        )
      : off('load'),
    ...(plan.security
      ? [
          check(
            'security',
            'TLS',
            plan.security.tls && https ? 'planned' : 'skip',
            plan.security.tls && https
              ? `certificate, hostname, expiry (>= ${settings.tlsMinDays} days), TLS 1.2+ on ${settings.baseUrl.host}`
              : 'base URL is not HTTPS or TLS checks are off',
          ),
          check(
            'security',
            'headers',
            'planned',
            `HSTS, ${plan.security.headers.join(', ')}${plan.security.serverVersionLeak ? ', no server version' : ''} on ${resolve(plan.security.path)}`,
          ),
          ...(https && plainHttpUrl(settings.baseUrl, plan.security)
            ? [
                check(
                  'security',
                  'HTTPS redirect',
                  'planned',
                  `${plainHttpUrl(settings.baseUrl, plan.security)} must redirect to https://`,
                ),
              ]
            : []),
        ]
      : [off('security')]),
    plan.cluster
      ? check(
          'cluster',
          'cluster',
          settings.kubeconfig ? 'planned' : 'skip',
          settings.kubeconfig
            ? `pods Ready, NetworkPolicies and security contexts in namespace ${settings.namespace}`
            : 'no kubeconfig input and KUBECONFIG is not set',
        )
      : off('cluster'),
  ];
}
