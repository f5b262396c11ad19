import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const ACTIONS = [
  'build-services',
  'trivy-gate',
  'publish-ghcr',
  'k8s-deploy',
  'post-deploy-verify',
] as const;
export type ActionName = (typeof ACTIONS)[number];

/** A fresh temporary directory; callers remove it (see `withTempDir`). */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || '/tmp'), `${prefix}-`));
}

export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir(prefix);
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
