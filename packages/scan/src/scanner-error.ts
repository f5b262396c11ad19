/**
 * Trivy could not produce a trustworthy report (install, DB or scan failure). Reported as
 * "scanner failed: ..." so nobody mistakes it for a policy decision about findings.
 */
export class ScannerError extends Error {
  override readonly name = 'ScannerError';
  constructor(detail: string) {
    super(`scanner failed: ${detail}`);
  }
}

/** The last meaningful lines of a program's stderr, for an error message. */
export function stderrTail(stderr: string, lines = 3): string {
  const meaningful = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return meaningful.slice(-lines).join(' | ') || '(no output)';
}
