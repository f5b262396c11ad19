import { systemClock, type Clock } from './clock';
import { TimeoutError, errorMessage } from './errors';

export interface RetryOptions {
  /** Attempts in total, including the first. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Overall budget from the first attempt; no attempt starts and no wait extends past it. */
  deadlineMs?: number;
  /** Decides whether a failure is worth another attempt (default: every failure). */
  retryable?: (error: unknown) => boolean;
  /** A server-requested wait (Retry-After) in ms, which replaces the computed backoff. */
  retryAfterMs?: (error: unknown) => number | undefined;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  clock?: Clock;
  random?: () => number;
  description?: string;
}

/** Thrown with the last underlying error when retries run out or the deadline passes. */
export class RetryError extends Error {
  override readonly name = 'RetryError';
  constructor(
    message: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** Exponential backoff with full jitter, capped per wait and bounded by an overall deadline. */
export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    attempts = 5,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
    deadlineMs = Number.POSITIVE_INFINITY,
    retryable = () => true,
    retryAfterMs = () => undefined,
    clock = systemClock,
    random = Math.random,
    description = 'operation',
  } = options;
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!retryable(error)) throw error;
      if (attempt >= attempts) {
        throw new RetryError(
          `${description} failed after ${attempt} attempts: ${errorMessage(error)}`,
          attempt,
          error,
        );
      }
      const delayMs = retryAfterMs(error) ?? backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      const remaining = deadlineMs - (clock.now() - start);
      if (delayMs >= remaining) {
        throw new TimeoutDeadlineError(description, deadlineMs, attempt, error);
      }
      options.onRetry?.({ attempt, delayMs, error });
      await clock.sleep(delayMs);
    }
  }
}

/** The deadline passed while retrying; carries the last error for the message. */
export class TimeoutDeadlineError extends TimeoutError {
  constructor(
    description: string,
    deadlineMs: number,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(
      `${description} did not succeed within ${Math.round(deadlineMs / 1000)}s (${attempts} attempts): ${errorMessage(cause)}`,
    );
  }
}

/** Parses an HTTP Retry-After header (seconds or HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
