import type { Clock, Exec } from '@alt-las/action-kit';
import type { TestResult } from '@alt-las/release-model';
import type { BuildOutcome, BuildSpec, CommandRunner, ImageBuilder } from './builder';

export interface TestOutcome {
  result: TestResult;
  durationMs: number;
  /** Why it was skipped, or the last lines of a failure. */
  detail?: string;
  output: string;
}

/** The tail of a long output: where a failing test says what went wrong. */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs a service's test command with `sh -c` in its build context, under a time limit. */
export async function runTestCommand(
  command: string,
  context: string,
  deps: { exec: Exec; clock: Clock; timeoutMs: number; env?: Record<string, string> },
): Promise<TestOutcome> {
  const started = deps.clock.now();
  try {
    const result = await deps.exec('sh', ['-c', command], {
      cwd: context,
      env: deps.env,
      timeoutMs: deps.timeoutMs,
      silent: true,
    });
    const output = [result.stdout, result.stderr].filter((text) => text.trim() !== '').join('\n');
    const durationMs = deps.clock.now() - started;
    if (result.exitCode === 0) return { result: 'passed', durationMs, output };
    return {
      result: 'failed',
      durationMs,
      detail: `\`${command}\` exited with ${result.exitCode}: ${tail(output, 5)}`,
      output,
    };
  } catch (error) {
    const message = (error as Error).message;
    return { result: 'failed', durationMs: deps.clock.now() - started, detail: message, output: message };
  }
}

/** Builds the Dockerfile's test stage; the stage's RUN steps are the tests. */
export async function runTestStage(
  builder: ImageBuilder,
  spec: BuildSpec & { target: string },
  run: CommandRunner,
  clock: Clock,
): Promise<TestOutcome & { build: BuildOutcome }> {
  const started = clock.now();
  const build = await builder.buildStage(spec, run);
  const durationMs = clock.now() - started;
  return build.ok
    ? { result: 'passed', durationMs, output: build.output, build }
    : {
        result: 'failed',
        durationMs,
        detail: `test stage "${spec.target}" failed: ${tail(build.output, 5)}`,
        output: build.output,
        build,
      };
}
