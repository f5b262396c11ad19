import { updateService, type ReleaseManifest } from '@alt-las/release-model';
import type { ImageOutcome } from './scan-summary';

/** Adds each scanned service's `scan` section (verdict, counts, files) to the release manifest. */
export function recordScans(
  manifest: ReleaseManifest,
  outcomes: ImageOutcome[],
  scanner: string,
  scannedAt = new Date(),
): ReleaseManifest {
  let updated = manifest;
  for (const { target, evaluation, error, reportFile, sarifFile } of outcomes) {
    if (!target.service) continue;
    const suppressed = evaluation?.evaluated.filter(
      (item) => item.disposition === 'ignored' || item.disposition === 'not-affected',
    ).length;
    updated = updateService(updated, target.service, (service) => ({
      ...service,
      scan: {
        verdict: error || !evaluation ? 'error' : evaluation.verdict,
        ...(target.digest ? { digest: target.digest } : {}),
        ...(evaluation
          ? { counts: evaluation.counts, blocking: evaluation.blocking.length, ignored: suppressed }
          : {}),
        ...(reportFile ? { report: reportFile } : {}),
        ...(sarifFile ? { sarif: sarifFile } : {}),
        scanner,
        scannedAt: scannedAt.toISOString(),
      },
    }));
  }
  return updated;
}
