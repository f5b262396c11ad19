import { parseRetryAfter, retry, type Logger } from '@alt-las/action-kit';
import type { K8sDeployInputs } from './inputs';
import type { Report } from './summary';

/** An HTTP answer worth another try (rate limit or server error), with its Retry-After. */
class RetryableResponse extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/** Connection resets and timeouts are transient; a refused connection or a 4xx answer is not. */
const transient = (error: unknown): boolean =>
  error instanceof RetryableResponse ||
  ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET'].includes(
    String((error as { cause?: { code?: string } }).cause?.code),
  );

const STATE: Record<string, string> = {
  deployed: 'success',
  unchanged: 'success',
  'rolled-back': 'failure',
  failed: 'failure',
};

/**
 * Records the run as a GitHub Deployment of the environment with a final status (REST API). It is
 * skipped without a token or repository; a failure here is reported as a warning by the caller and
 * never changes the deployment's result.
 */
export async function recordDeployment(
  inputs: K8sDeployInputs,
  report: Report,
  logger: Logger,
): Promise<void> {
  const repository = process.env.GITHUB_REPOSITORY;
  const sha = process.env.GITHUB_SHA;
  // An expression the runner did not expand (a local run) is no token.
  if (!inputs.githubToken || inputs.githubToken.startsWith('${{') || !repository || !sha) return;
  const api = (process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const call = (url: string, body: unknown) =>
    retry(
      async () => {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${inputs.githubToken}`,
            accept: 'application/vnd.github+json',
            'content-type': 'application/json',
            'x-github-api-version': '2022-11-28',
          },
          body: JSON.stringify(body),
        }).catch((error: Error & { cause?: { code?: string } }) => {
          // fetch says only "fetch failed"; the cause's code (ECONNREFUSED, ...) is what helps.
          throw new Error(`POST ${url}: ${error.cause?.code ?? error.message}`, { cause: error.cause });
        });
        if (response.status === 429 || response.status >= 500)
          throw new RetryableResponse(
            `POST ${url}: HTTP ${response.status}`,
            parseRetryAfter(response.headers.get('retry-after')),
          );
        if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status}`);
        return (await response.json()) as { id: number };
      },
      {
        attempts: 3,
        baseDelayMs: 500,
        deadlineMs: 15_000,
        retryable: transient,
        retryAfterMs: (error) => (error instanceof RetryableResponse ? error.retryAfterMs : undefined),
        description: 'GitHub deployments API',
      },
    );
  const deployment = await call(`${api}/repos/${repository}/deployments`, {
    ref: sha,
    environment: inputs.environment,
    auto_merge: false,
    required_contexts: [],
    description: `ALT_LAS ${report.mode} to ${inputs.namespace}`,
    production_environment: inputs.environment === 'production',
  });
  const runUrl = `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${repository}/actions/runs/${process.env.GITHUB_RUN_ID ?? ''}`;
  await call(`${api}/repos/${repository}/deployments/${deployment.id}/statuses`, {
    state: STATE[report.result],
    environment: inputs.environment,
    ...(inputs.environmentUrl ? { environment_url: inputs.environmentUrl } : {}),
    log_url: runUrl,
    description: report.message.slice(0, 140),
  });
  logger.info(
    `GitHub deployment ${deployment.id} of environment ${inputs.environment}: ${STATE[report.result]}`,
  );
}
