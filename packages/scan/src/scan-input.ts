import * as fs from 'node:fs';
import type { Exec } from '@alt-las/action-kit';
import { indexTar } from '@alt-las/oci';
import { ScannerError, stderrTail } from './scanner-error';

export interface ScanInput {
  /** What to pass to `trivy image --input`. */
  path: string;
  /** Removes what was unpacked for the scan. */
  dispose(): void;
}

/**
 * What Trivy can read for an image archive. It opens docker-archive tarballs (`manifest.json`) and
 * OCI image layout directories, but not OCI layout tarballs (an open request upstream), which is what
 * build-services writes; those are unpacked into `dir` for the scan and removed afterwards.
 */
export async function scanInput(archive: string, dir: string, exec: Exec): Promise<ScanInput> {
  let names: Set<string>;
  try {
    names = new Set(indexTar(archive).keys());
  } catch (error) {
    throw new ScannerError(`${archive} is not a readable tar archive (${(error as Error).message})`);
  }
  if (names.has('manifest.json')) return { path: archive, dispose: () => undefined };
  if (!names.has('index.json') || !names.has('oci-layout')) {
    throw new ScannerError(`${archive} is neither an OCI image layout nor a docker-archive tarball`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  const result = await exec('tar', ['-xf', archive, '-C', dir, '--no-same-owner'], { silent: true });
  if (result.exitCode !== 0) {
    dispose();
    throw new ScannerError(`could not unpack ${archive}: ${stderrTail(result.stderr)}`);
  }
  return { path: dir, dispose };
}
