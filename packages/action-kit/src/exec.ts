import * as actionsExec from '@actions/exec';
import * as io from '@actions/io';
import { TimeoutError } from './errors';

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Written to the command's standard input. */
  input?: string;
  /** Kills the command after this long and throws TimeoutError. */
  timeoutMs?: number;
  /** Captured but not echoed to the log (for large or sensitive output). */
  silent?: boolean;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * The one way library code runs a program. It never throws for a non-zero exit (callers decide);
 * it throws TimeoutError when `timeoutMs` passes, and a plain Error when the program is missing.
 */
export type Exec = (command: string, args: string[], options?: ExecOptions) => Promise<ExecResult>;

const TIMEOUT_EXIT = 124;

/** Exec over @actions/exec: output streams to the job log (inside the caller's group) and is captured. */
export const actionsExecRunner: Exec = async (command, args, options = {}) => {
  // @actions/exec cannot kill its child, so a time limit runs the program under coreutils `timeout`.
  const [file, argv] =
    options.timeoutMs !== undefined
      ? [
          'timeout',
          ['--kill-after=5', `${Math.max(1, Math.ceil(options.timeoutMs / 1000))}`, command, ...args],
        ]
      : [command, args];
  const result = await actionsExec.getExecOutput(file, argv, {
    cwd: options.cwd,
    env: options.env ? { ...(process.env as Record<string, string>), ...options.env } : undefined,
    input: options.input !== undefined ? Buffer.from(options.input) : undefined,
    ignoreReturnCode: true,
    silent: options.silent ?? false,
  });
  if (options.timeoutMs !== undefined && result.exitCode === TIMEOUT_EXIT) {
    throw new TimeoutError(`${command} did not finish within ${Math.round(options.timeoutMs / 1000)}s`);
  }
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
};

/** Finds a program on PATH; undefined when it is not installed. */
export async function which(program: string): Promise<string | undefined> {
  const found = await io.which(program, false);
  return found === '' ? undefined : found;
}
