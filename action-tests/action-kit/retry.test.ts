import {
  backoffDelay,
  parseRetryAfter,
  retry,
  RetryError,
  TimeoutError,
  type Clock,
} from '@alt-las/action-kit';

/** A clock that advances only when the code under test sleeps. */
class FakeClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

describe('retry', () => {
  test('returns the first success and retries failures with growing, jittered delays', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const result = await retry(
      async () => {
        calls++;
        if (calls < 4) throw new Error(`boom ${calls}`);
        return 'ok';
      },
      { clock, baseDelayMs: 100, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(clock.sleeps).toEqual([75, 150, 300]);
  });

  test('gives up after the attempts with the last error in the message', async () => {
    const clock = new FakeClock();
    const error = await retry(
      async (attempt) => {
        throw new Error(`reset ${attempt}`);
      },
      { clock, attempts: 3, description: 'upload' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryError);
    expect((error as RetryError).message).toBe('upload failed after 3 attempts: reset 3');
  });

  test('does not retry what is not retryable', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('401 unauthorized');
        },
        { clock: new FakeClock(), retryable: () => false },
      ),
    ).rejects.toThrow('401 unauthorized');
    expect(calls).toBe(1);
  });

  test('honours a server-requested wait instead of the backoff', async () => {
    const clock = new FakeClock();
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1) throw Object.assign(new Error('429'), { retryAfterMs: 7000 });
      },
      { clock, retryAfterMs: (e) => (e as { retryAfterMs?: number }).retryAfterMs },
    );
    expect(clock.sleeps).toEqual([7000]);
  });

  test('stops before a wait that would pass the deadline', async () => {
    const clock = new FakeClock();
    const error = await retry(
      async () => {
        throw new Error('503');
      },
      {
        clock,
        attempts: 100,
        baseDelayMs: 1000,
        maxDelayMs: 1000,
        deadlineMs: 3500,
        random: () => 1,
        description: 'push',
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('push did not succeed within 4s (4 attempts): 503');
    expect(clock.time).toBeLessThanOrEqual(3500);
  });
});

test('backoff is capped and never below half the ceiling', () => {
  expect(backoffDelay(1, 500, 30_000, () => 0)).toBe(250);
  expect(backoffDelay(20, 500, 30_000, () => 1)).toBe(30_000);
});

test('Retry-After in seconds and as an HTTP date', () => {
  expect(parseRetryAfter('3')).toBe(3000);
  expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(
    5000,
  );
  expect(parseRetryAfter('soon')).toBeUndefined();
  expect(parseRetryAfter(undefined)).toBeUndefined();
});
