import * as zlib from 'node:zlib';
import { parseRetryAfter, retry, type Clock, type Logger } from '@alt-las/action-kit';

export interface SarifUploadOptions {
  /** GITHUB_API_URL, e.g. https://api.github.com */
  apiUrl: string;
  /** owner/name */
  repository: string;
  token: string;
  commitSha: string;
  /** Full git ref: refs/heads/main, refs/tags/v1.0.0, refs/pull/1/merge. */
  ref: string;
  logger: Logger;
  fetch?: typeof fetch;
  clock?: Clock;
  attempts?: number;
}

class HttpStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfter?: string | null,
  ) {
    super(message);
  }
}

/**
 * Uploads one SARIF log to code scanning (POST /repos/{owner}/{repo}/code-scanning/sarifs): gzip,
 * then base64, as the API requires. 5xx, 429 and network errors are retried; the token is never in a message.
 */
export async function uploadSarif(
  sarif: string,
  options: SarifUploadOptions,
): Promise<{ id?: string; url?: string }> {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.apiUrl.replace(/\/+$/, '')}/repos/${options.repository}/code-scanning/sarifs`;
  const body = JSON.stringify({
    commit_sha: options.commitSha,
    ref: options.ref,
    sarif: zlib.gzipSync(Buffer.from(sarif)).toString('base64'),
    tool_name: 'Trivy',
  });
  return retry(
    async () => {
      const response = await doFetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: 'application/vnd.github+json',
          'content-type': 'application/json',
          'x-github-api-version': '2022-11-28',
        },
        body,
      });
      const text = await response.text();
      if (!response.ok) {
        const detail = (() => {
          try {
            return (JSON.parse(text) as { message?: string }).message ?? text;
          } catch {
            return text;
          }
        })().slice(0, 300);
        throw new HttpStatusError(
          `code scanning upload answered ${response.status}: ${detail}`,
          response.status,
          response.headers.get('retry-after'),
        );
      }
      return text ? (JSON.parse(text) as { id?: string; url?: string }) : {};
    },
    {
      attempts: options.attempts ?? 4,
      baseDelayMs: 1000,
      deadlineMs: 120_000,
      clock: options.clock,
      description: 'SARIF upload',
      retryable: (error) =>
        !(error instanceof HttpStatusError) || error.status === 429 || error.status >= 500,
      retryAfterMs: (error) =>
        error instanceof HttpStatusError ? parseRetryAfter(error.retryAfter) : undefined,
      onRetry: ({ attempt, error }) =>
        options.logger.warning(`SARIF upload attempt ${attempt} failed: ${(error as Error).message}`),
    },
  );
}
