import * as fs from 'node:fs';
import type { Exec } from '@alt-las/action-kit';
import * as path from 'node:path';
import { scanInput } from './scan-input';
import type { ScanTarget } from './scan-targets';
import { ScannerError, stderrTail } from './scanner-error';
import { readTrivyReport, type ReadReport } from './report-reader';

export interface ScanOptions {
  trivy: string;
  exec: Exec;
  cacheDir: string;
  scanners: string[];
  /** Where Trivy writes its JSON report. */
  reportFile: string;
  /** Working directory: kept apart from the workspace so Trivy never applies a .trivyignore of its own. */
  workDir: string;
  timeoutMs?: number;
}

/** The Trivy command line for one image; the policy is applied afterwards, so no severity or ignore flags. */
export function scanArguments(
  target: ScanTarget,
  options: Pick<ScanOptions, 'cacheDir' | 'scanners' | 'reportFile'>,
  input?: string,
): string[] {
  return [
    'image',
    '--format',
    'json',
    '--output',
    options.reportFile,
    '--scanners',
    options.scanners.join(','),
    '--cache-dir',
    options.cacheDir,
    '--skip-db-update',
    '--no-progress',
    '--exit-code',
    '0',
    ...(input ? ['--input', input] : [target.reference ?? target.image]),
  ];
}

/**
 * Scans one image and returns the findings of Trivy's report. Any exit code other than 0 (we ask for 0 on findings)
 * or a missing or malformed report is a ScannerError: the gate never guesses a verdict from it.
 */
export async function scanImage(target: ScanTarget, options: ScanOptions): Promise<ReadReport> {
  if (target.archive && !fs.existsSync(target.archive)) {
    throw new ScannerError(`${target.name}: image archive ${target.archive} does not exist`);
  }
  fs.rmSync(options.reportFile, { force: true });
  const input = target.archive
    ? await scanInput(target.archive, path.join(options.workDir, 'layouts', target.name), options.exec).catch(
        (error: Error) => {
          throw new ScannerError(`${target.name}: ${error.message.replace(/^scanner failed: /, '')}`);
        },
      )
    : undefined;
  let result;
  try {
    result = await options.exec(options.trivy, scanArguments(target, options, input?.path), {
      cwd: options.workDir,
      timeoutMs: options.timeoutMs ?? 20 * 60_000,
    });
  } finally {
    input?.dispose();
  }
  if (result.exitCode !== 0) {
    throw new ScannerError(
      `${target.name}: trivy exited with code ${result.exitCode}: ${stderrTail(result.stderr)}`,
    );
  }
  if (!fs.existsSync(options.reportFile)) {
    throw new ScannerError(`${target.name}: trivy exited 0 but wrote no report`);
  }
  try {
    return readTrivyReport(fs.readFileSync(options.reportFile));
  } catch (error) {
    throw new ScannerError(`${target.name}: trivy's report is unusable: ${(error as Error).message}`);
  }
}
