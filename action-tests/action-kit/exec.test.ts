import { actionsExecRunner, TimeoutError, which } from '@alt-las/action-kit';

describe('actionsExecRunner', () => {
  test('captures stdout and stderr and returns a non-zero exit code without throwing', async () => {
    const result = await actionsExecRunner('sh', ['-c', 'echo out; echo err >&2; exit 3'], { silent: true });
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  test('passes standard input, working directory and extra environment', async () => {
    const result = await actionsExecRunner('sh', ['-c', 'cat; pwd; echo "$GREETING"'], {
      input: 'from stdin\n',
      cwd: '/tmp',
      env: { GREETING: 'hello' },
      silent: true,
    });
    expect(result.stdout).toBe('from stdin\n/tmp\nhello\n');
  });

  test('a program that outlives its time limit is killed and reported as a timeout', async () => {
    const started = Date.now();
    await expect(
      actionsExecRunner('sleep', ['30'], { timeoutMs: 1000, silent: true }),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a missing program is an error, and which() tells beforehand', async () => {
    await expect(actionsExecRunner('no-such-program-here', [], { silent: true })).rejects.toThrow();
    expect(await which('no-such-program-here')).toBeUndefined();
    expect(await which('sh')).toMatch(/\/sh$/);
  });
});
