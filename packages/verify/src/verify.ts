import { errorMessage, type Clock, type Exec, type Logger } from '@alt-las/action-kit';
import type { ChecksPlan } from './checks-plan';
import { runClusterChecks } from './cluster-checks';
import { checkHealth } from './health';
import type { HttpClient } from './http-client';
import { checkHttpSecurity } from './http-security';
import { evaluateLoad, runLoadTest, type LoadRun, type LoadThresholds } from './load-test';
import { check, type CheckResult } from './results';
import { runSmokeTests } from './smoke';
import { acceptedLegacyProtocol, evaluateTls, inspectTls } from './tls-check';
import { resolveLocation } from './location';

export interface VerifySettings {
  baseUrl: URL;
  plan: ChecksPlan;
  /** Authorization header value for smoke and load requests. */
  authHeader?: string;
  warmupMs: number;
  loadDurationMs: number;
  loadConnections: number;
  thresholds: LoadThresholds;
  tlsMinDays: number;
  /** Extra trusted authorities (PEM). */
  ca?: string;
  namespace: string;
  /** Kubeconfig path for the cluster checks; undefined skips them. */
  kubeconfig?: string;
}

export interface VerifyDeps {
  http: HttpClient;
  exec: Exec;
  logger: Logger;
  clock?: Clock;
  loadTest?: typeof runLoadTest;
}

/** The Authorization header goes to the gateway's origin only, never to another host a check names. */
const authHeadersFor =
  (settings: VerifySettings) =>
  (url: string): Record<string, string> =>
    settings.authHeader && new URL(url).origin === settings.baseUrl.origin
      ? { authorization: settings.authHeader }
      : {};

/** Runs every category in order, each in its own log group; a category that cannot run says why. */
export async function runVerification(
  settings: VerifySettings,
  deps: VerifyDeps,
): Promise<{ checks: CheckResult[]; load?: LoadRun }> {
  const { plan, baseUrl } = settings;
  const { logger } = deps;
  const resolve = (location: string) => resolveLocation(baseUrl, location);
  const off = (category: CheckResult['category']) => [
    check(category, category, 'skip', `switched off in ${plan.source}`),
  ];
  const checks: CheckResult[] = [];

  checks.push(
    ...(plan.health
      ? await logger.group('Health', () =>
          checkHealth(plan.health as Exclude<ChecksPlan['health'], false>, resolve, {
            http: deps.http,
            logger,
            warmupMs: settings.warmupMs,
            clock: deps.clock,
          }),
        )
      : off('health')),
  );
  const healthy = !checks.some((result) => result.category === 'health' && result.status === 'fail');

  checks.push(
    ...(plan.smoke
      ? await logger.group('Smoke tests', () =>
          runSmokeTests(plan.smoke as Exclude<ChecksPlan['smoke'], false>, resolve, {
            http: deps.http,
            logger,
            extraHeaders: authHeadersFor(settings),
            clock: deps.clock,
          }),
        )
      : off('smoke')),
  );

  let load: LoadRun | undefined;
  if (!plan.load) checks.push(...off('load'));
  else if (!healthy)
    checks.push(
      check(
        'load',
        'load test',
        'skip',
        'not run: a health check failed, so the numbers would not describe the release',
      ),
    );
  else {
    const profile = plan.load;
    await logger.group('Load test', async () => {
      const url = resolve(profile.path);
      logger.info(
        `${profile.method} ${url}: ${settings.loadConnections} connections for ${settings.loadDurationMs / 1000}s`,
      );
      try {
        load = await (deps.loadTest ?? runLoadTest)({
          url,
          profile,
          connections: settings.loadConnections,
          durationMs: settings.loadDurationMs,
          extraHeaders: authHeadersFor(settings)(url),
          logger,
        });
        logger.info(
          `${load.requests} requests, ${load.rps.toFixed(1)}/s, p95 ${load.latency.p95}ms, p99 ${load.latency.p99}ms, error rate ${load.errorRate.toFixed(4)}`,
        );
        checks.push(...evaluateLoad(load, settings.thresholds));
      } catch (error) {
        checks.push(check('load', 'load test', 'fail', `load test could not run: ${errorMessage(error)}`));
      }
    });
  }

  if (!plan.security) checks.push(...off('security'));
  else {
    const security = plan.security;
    checks.push(
      ...(await logger.group('Security', async () => {
        const results: CheckResult[] = [];
        if (security.tls && baseUrl.protocol === 'https:') {
          const endpoint = {
            host: baseUrl.hostname.replace(/^\[|\]$/g, ''),
            port: Number(baseUrl.port || 443),
            ca: settings.ca ? [settings.ca] : undefined,
          };
          try {
            const [inspection, legacy] = await Promise.all([
              inspectTls(endpoint),
              acceptedLegacyProtocol(endpoint),
            ]);
            results.push(...evaluateTls(endpoint.host, inspection, legacy, { minDays: settings.tlsMinDays }));
          } catch (error) {
            results.push(
              check(
                'security',
                'TLS',
                'fail',
                `TLS handshake with ${baseUrl.host} failed: ${errorMessage(error)}`,
              ),
            );
          }
        } else if (security.tls) {
          results.push(
            check(
              'security',
              'TLS',
              'fail',
              `base-url ${baseUrl.origin} is plain HTTP; production traffic must use HTTPS (set security.tls: false to accept)`,
            ),
          );
        }
        results.push(...(await checkHttpSecurity(baseUrl, security, resolve, deps.http)));
        for (const result of results) logger.info(`${result.name}: ${result.status} (${result.message})`);
        return results;
      })),
    );
  }

  if (!plan.cluster) checks.push(...off('cluster'));
  else if (!settings.kubeconfig)
    checks.push(
      check('cluster', 'cluster', 'skip', 'not run: no kubeconfig input and KUBECONFIG is not set'),
    );
  else {
    const kubeconfig = settings.kubeconfig;
    const expectations = plan.cluster;
    checks.push(
      ...(await logger.group('Cluster', async () => {
        const results = await runClusterChecks(expectations, {
          exec: deps.exec,
          logger,
          namespace: settings.namespace,
          kubeconfig,
        });
        for (const result of results) logger.info(`${result.name}: ${result.status} (${result.message})`);
        return results;
      })),
    );
  }
  return { checks, load };
}
