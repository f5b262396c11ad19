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

let processRoot: string | undefined;

/** A directory removed when this process exits: a safety net for runner directories tests do not keep. */
export function processTempDir(prefix: string): string {
  if (!processRoot) {
    processRoot = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || '/tmp'), 'alt-las-'));
    const root = processRoot;
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  }
  return fs.mkdtempSync(path.join(processRoot, `${prefix}-`));
}

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
