import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Exec, Logger } from '@alt-las/action-kit';
import type { Baseline } from './baseline';
import type { PolicyEvaluator } from './policy';
import { buildSarif } from './sarif';
import type { ImageOutcome } from './scan-summary';
import { targetAliases, type ScanTarget } from './scan-targets';
import { ScannerError } from './scanner-error';
import { scanImage } from './trivy-scanner';

export interface ImageScanContext {
  trivy: string;
  exec: Exec;
  logger: Logger;
  cacheDir: string;
  scanners: string[];
  /** Trivy's JSON reports are kept here as `<name>.json` (a later release's baseline). */
  reportsDir: string;
  sarifDir: string;
  workDir: string;
  evaluator: PolicyEvaluator;
  baseline?: Baseline;
}

/**
 * Scans one image, judges its findings and writes its SARIF. A scanner failure becomes the
 * outcome's `error` (the other images are still scanned); anything else propagates.
 */
export async function scanAndJudge(target: ScanTarget, context: ImageScanContext): Promise<ImageOutcome> {
  const reportFile = path.join(context.reportsDir, `${target.name}.json`);
  try {
    const { header, findings } = await scanImage(target, {
      trivy: context.trivy,
      exec: context.exec,
      cacheDir: context.cacheDir,
      scanners: context.scanners,
      reportFile,
      workDir: context.workDir,
    });
    const { baseline } = context;
    const known = baseline?.lookup(targetAliases(target));
    const evaluation = context.evaluator.evaluate(findings, {
      imageName: target.image,
      isKnown: baseline ? (finding) => (known ? baseline.isKnown(known, finding) : false) : undefined,
    });
    const trivyVersion = header.Trivy?.Version;
    const sarif = buildSarif({
      imageName: target.image,
      category: `trivy-${target.name}`,
      artifact: target.reference ?? target.image,
      trivyVersion,
      evaluated: evaluation.evaluated,
    });
    const sarifFile = path.join(context.sarifDir, `${target.name}.sarif`);
    fs.writeFileSync(sarifFile, JSON.stringify(sarif));
    context.logger.info(
      `${target.name}: ${evaluation.evaluated.length} finding(s), ${evaluation.blocking.length} blocking: ${evaluation.verdict}`,
    );
    return {
      target,
      evaluation,
      baselineFound: baseline ? known !== undefined : undefined,
      reportFile,
      sarifFile,
      sarifOmitted: sarif.runs[0]!.properties.omittedResults,
      trivyVersion,
    };
  } catch (error) {
    if (!(error instanceof ScannerError)) throw error;
    context.logger.info(error.message);
    return { target, error: error.message };
  }
}
