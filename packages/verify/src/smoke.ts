import { errorMessage, parseRetryAfter, retry, type Clock, type Logger } from '@alt-las/action-kit';
import { checkJsonAssertion } from './assertions';
import type { SmokeRequest } from './checks-plan';
import {
  headerValue,
  isCertificateError,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from './http-client';
import { check, type CheckResult } from './results';

export interface SmokeOptions {
  http: HttpClient;
  logger: Logger;
  /** Headers added to a request to this URL (the Authorization header); never written into results. */
  extraHeaders: (url: string) => Record<string, string>;
  clock?: Clock;
}

/** Asked to slow down: wait as told (capped) and ask again. */
class TooManyRequests extends Error {
  constructor(
    readonly response: HttpResponse,
    readonly waitMs: number,
  ) {
    super('HTTP 429 Too Many Requests');
  }
}

/**
 * A dropped connection or a 429 says nothing about the release, so those get two more tries;
 * every other answer (5xx included) is the result.
 */
async function send(http: HttpClient, request: HttpRequest, clock: Clock | undefined): Promise<HttpResponse> {
  try {
    return await retry(
      async () => {
        const response = await http(request);
        if (response.status === 429) {
          const waitMs = Math.min(
            10_000,
            parseRetryAfter(headerValue(response.headers, 'retry-after')) ?? 1000,
          );
          throw new TooManyRequests(response, waitMs);
        }
        return response;
      },
      {
        attempts: 3,
        baseDelayMs: 500,
        clock,
        retryable: (error) => !isCertificateError(error),
        retryAfterMs: (error) => (error instanceof TooManyRequests ? error.waitMs : undefined),
        description: `${request.method ?? 'GET'} ${request.url}`,
      },
    );
  } catch (error) {
    const last = (error as { cause?: unknown }).cause ?? error;
    if (last instanceof TooManyRequests) return last.response;
    throw last;
  }
}

const excerpt = (body: string) => {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
};

/** Sends each smoke request in order and checks status, JSON fields and latency. */
export async function runSmokeTests(
  requests: SmokeRequest[],
  resolve: (location: string) => string,
  options: SmokeOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const request of requests) {
    const url = resolve(request.path);
    const details: Record<string, unknown> = { method: request.method, url, service: request.service };
    let response;
    try {
      response = await send(
        options.http,
        {
          url,
          method: request.method,
          headers: { ...request.headers, ...options.extraHeaders(url) },
          body: request.body,
        },
        options.clock,
      );
    } catch (error) {
      results.push(
        check('smoke', request.name, 'fail', `${request.method} ${url} failed: ${errorMessage(error)}`, {
          details,
        }),
      );
      continue;
    }
    const latencyMs = Math.round(response.latencyMs);
    details.status = response.status;
    const problems: string[] = [];
    if (!request.expectStatus.includes(response.status)) {
      problems.push(
        `HTTP ${response.status}, expected ${request.expectStatus.join(' or ')}${response.body ? ` (body: ${excerpt(response.body)})` : ''}`,
      );
    }
    if (request.json.length > 0) {
      let document: unknown;
      try {
        document = JSON.parse(response.body);
      } catch {
        problems.push(`the body is not JSON: ${excerpt(response.body) || '(empty)'}`);
      }
      if (document !== undefined) {
        for (const assertion of request.json) problems.push(...checkJsonAssertion(document, assertion));
      }
    }
    if (request.maxLatencyMs !== undefined && latencyMs > request.maxLatencyMs) {
      problems.push(`took ${latencyMs}ms, limit ${request.maxLatencyMs}ms`);
    }
    const status = problems.length === 0 ? 'pass' : 'fail';
    const message = problems.length === 0 ? `HTTP ${response.status} in ${latencyMs}ms` : problems.join('; ');
    options.logger.info(`${request.name}: ${status} (${message})`);
    results.push(check('smoke', request.name, status, message, { durationMs: latencyMs, details }));
  }
  return results;
}
