import { spawnSync } from 'node:child_process';

/**
 * Runs promtool (Debian package `prometheus`, listed in .ci/apt-packages.txt). A missing promtool
 * fails the test with the install hint: these checks are never skipped.
 */
export function promtool(args: string[], cwd: string): { status: number; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `promtool could not be run (${result.error.message}); install the Debian package "prometheus"`,
    );
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
