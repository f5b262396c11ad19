import * as fs from 'node:fs';
import * as path from 'node:path';

/** A per-run working directory under RUNNER_TEMP (or the OS temp dir outside a runner). */
export function runnerTempDir(name: string): string {
  const base = process.env.RUNNER_TEMP || fs.realpathSync(process.env.TMPDIR || '/tmp');
  const dir = path.join(base, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes a file with owner-only permissions (credentials, kubeconfigs, auth files). */
export function writePrivateFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
