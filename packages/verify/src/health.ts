import { errorMessage, retry, systemClock, type Clock, type Logger } from '@alt-las/action-kit';
import type { HealthSettings } from './checks-plan';
import { isCertificateError, type HttpClient } from './http-client';
import { check, type CheckResult } from './results';

export interface HealthOptions {
  http: HttpClient;
  logger: Logger;
  /** How long a service may take to answer healthy, from the start of the checks. */
  warmupMs: number;
  clock?: Clock;
  random?: () => number;
  /** First backoff wait; doubles (with jitter) up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** Why one answer does not count as healthy, or undefined when it does. */
async function probe(
  http: HttpClient,
  url: string,
  expectStatus: number[],
  timeoutMs: number,
): Promise<void> {
  const response = await http({ url, timeoutMs });
  if (!expectStatus.includes(response.status)) {
    throw new Error(`HTTP ${response.status} (expected ${expectStatus.join(' or ')})`);
  }
}

/**
 * Waits for every endpoint concurrently: each is retried with exponential backoff and jitter until
 * it answers healthy or the warm-up deadline passes, then must stay healthy for `stableChecks`
 * further answers, so a service that flaps right after starting is caught.
 */
export async function checkHealth(
  settings: HealthSettings,
  resolve: (location: string) => string,
  options: HealthOptions,
): Promise<CheckResult[]> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  return Promise.all(
    settings.endpoints.map(async (endpoint): Promise<CheckResult> => {
      const url = resolve(endpoint.url);
      const name = endpoint.service;
      let attempts = 0;
      try {
        await retry(
          async () => {
            attempts++;
            const remaining = options.warmupMs - (clock.now() - started);
            await probe(
              options.http,
              url,
              endpoint.expectStatus,
              Math.max(1000, Math.min(10_000, remaining)),
            );
          },
          {
            attempts: Number.POSITIVE_INFINITY,
            baseDelayMs: options.baseDelayMs ?? 500,
            // A long backoff near the deadline would give up early; keep the waits short relative to it.
            maxDelayMs: options.maxDelayMs ?? Math.min(15_000, Math.max(1000, options.warmupMs / 5)),
            deadlineMs: Math.max(0, options.warmupMs - (clock.now() - started)),
            clock,
            random: options.random,
            retryable: (error) => !isCertificateError(error),
            description: `health of ${name}`,
            onRetry: ({ attempt, delayMs, error }) =>
              options.logger.info(
                `${name}: not healthy yet (attempt ${attempt}: ${errorMessage(error)}); next try in ${delayMs}ms`,
              ),
          },
        );
      } catch (error) {
        const last = errorMessage((error as { cause?: unknown }).cause ?? error);
        if (isCertificateError(error)) {
          return check(
            'health',
            name,
            'fail',
            `TLS certificate rejected: ${last} (see the security checks)`,
            {
              durationMs: clock.now() - started,
              details: { url, attempts },
            },
          );
        }
        return check(
          'health',
          name,
          'fail',
          `not healthy within the warm-up time of ${Math.round(options.warmupMs / 1000)}s after ${attempts} attempt(s): ${last}`,
          {
            durationMs: clock.now() - started,
            details: { url, attempts },
          },
        );
      }
      const healthyAfterMs = clock.now() - started;
      options.logger.info(`${name}: healthy after ${healthyAfterMs}ms (${attempts} attempt(s))`);
      for (let index = 1; index <= settings.stableChecks; index++) {
        await clock.sleep(settings.stableIntervalMs);
        try {
          await probe(options.http, url, endpoint.expectStatus, 10_000);
        } catch (error) {
          return check(
            'health',
            name,
            'fail',
            `healthy after ${healthyAfterMs}ms but not stable: check ${index} of ${settings.stableChecks} afterwards failed: ${errorMessage(error)}`,
            {
              durationMs: clock.now() - started,
              details: { url, attempts, healthyAfterMs },
            },
          );
        }
      }
      const stable = settings.stableChecks > 0 ? `, stable over ${settings.stableChecks} more check(s)` : '';
      return check(
        'health',
        name,
        'pass',
        `healthy after ${healthyAfterMs}ms (${attempts} attempt(s))${stable}`,
        {
          durationMs: clock.now() - started,
          details: { url, attempts, healthyAfterMs },
        },
      );
    }),
  );
}
