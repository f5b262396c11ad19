import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import {
  actionsExecRunner,
  actionsLogger,
  AnnotationBudget,
  ANNOTATIONS_PER_LEVEL,
  ConfigurationError,
  errorMessage,
  failureMessage,
  installTool,
  runnerTempDir,
  SecretRedactor,
  SummaryBuilder,
} from '@alt-las/action-kit';
import {
  readReleaseManifest,
  updateService,
  writeReleaseManifest,
  type ReleaseManifest,
} from '@alt-las/release-model';
import {
  actionsDbCache,
  buildSarif,
  describeFinding,
  loadBaseline,
  loadIgnoreFile,
  loadVex,
  PolicyEvaluator,
  SARIF_MAX_RESULTS,
  prepareDb,
  scanImage,
  ScannerError,
  targetAliases,
  targetsFromList,
  targetsFromManifest,
  trivyRelease,
  uploadSarif,
  writeScanSummary,
  type Baseline,
  type DbOutcome,
  type ImageOutcome,
  type Policy,
  type ScanTarget,
} from '@alt-las/scan';
import { readInputs, type TrivyGateInputs } from './inputs';

interface Plan {
  inputs: TrivyGateInputs;
  policy: Policy;
  targets: ScanTarget[];
  baseline?: Baseline;
  manifest?: ReleaseManifest;
}

/** Reads and checks everything the run depends on before anything is downloaded or written. */
function plan(): Plan {
  const inputs = readInputs();
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const policy: Policy = {
    failOnSeverity: inputs.failOnSeverity,
    ignoreUnfixed: inputs.ignoreUnfixed,
    failOn: inputs.failOn,
    ignores: loadIgnoreFile(inputs.ignoreFile, inputs.ignoreFileRequired),
    vex: loadVex(inputs.vex),
    now: new Date(),
  };
  const baseline = inputs.baseline ? loadBaseline(inputs.baseline) : undefined;
  const manifest = inputs.releaseManifest ? readReleaseManifest(inputs.releaseManifest) : undefined;
  const targets = manifest
    ? targetsFromManifest(manifest, inputs.releaseManifest!, inputs.dryRun)
    : targetsFromList(inputs.images, workspace);
  if (targets.length === 0)
    throw new ConfigurationError('the release manifest lists no services to scan', 'release-manifest');
  return { inputs, policy, targets, baseline, manifest };
}

export async function run(): Promise<void> {
  const redactor = new SecretRedactor();
  try {
    const setup = plan();
    redactor.add(setup.inputs.githubToken);
    if (setup.inputs.dryRun) return reportDryRun(setup);
    await gate(setup, redactor);
  } catch (error) {
    const message = failureMessage(error, (text) => redactor.redact(text));
    if (error instanceof ScannerError) {
      // Trivy could not be installed or given a DB: no image has a verdict, so the gate fails.
      core.setOutput('verdict', 'fail');
      new SummaryBuilder().heading('trivy-gate: fail').paragraph(message).write();
    }
    core.setFailed(message);
  }
}

function reportDryRun({ inputs, policy, targets }: Plan): void {
  core.setOutput('release-manifest', inputs.releaseManifest ?? '');
  core.setOutput('counts', '{}');
  core.setOutput('sarif', '');
  new SummaryBuilder()
    .heading('trivy-gate (dry run)')
    .paragraph(
      `Would install Trivy ${inputs.trivyVersion} (sha256-verified) and scan ${targets.length} image(s) for ${inputs.scanners.join(', ')}; ` +
        `blocking ${policy.failOnSeverity} and above${policy.ignoreUnfixed ? ', unfixed vulnerabilities excepted' : ''}; ` +
        `${policy.ignores.length} ignore(s), ${policy.vex.length} VEX statement(s); fail-on: ${policy.failOn}.`,
    )
    .table(
      ['Image', 'Scans', 'Archive or reference'],
      targets.map((target) => [
        target.name,
        target.image,
        target.archive ?? target.reference ?? '(built by build-services)',
      ]),
    )
    .write();
}

async function gate(setup: Plan, redactor: SecretRedactor): Promise<void> {
  const { inputs, policy, targets, baseline } = setup;
  const logger = actionsLogger;
  const exec = actionsExecRunner;
  const workDir = runnerTempDir('trivy-gate');
  const reportsDir = path.join(workDir, 'reports');
  fs.mkdirSync(reportsDir, { recursive: true });
  fs.mkdirSync(inputs.sarifDir, { recursive: true });
  // The tool cache directory outlives the job on self-hosted runners, so a stale-DB fallback has something to fall back to.
  const cacheDir = path.join(process.env.RUNNER_TOOL_CACHE || workDir, 'trivy-gate-cache');

  const trivy = await core.group(`Install Trivy ${inputs.trivyVersion}`, async () => {
    try {
      const release = trivyRelease({
        version: inputs.trivyVersion,
        baseUrl: inputs.trivyDownloadUrl,
        sha256: inputs.trivySha256,
      });
      return (await installTool(release, { logger })).path;
    } catch (error) {
      throw new ScannerError(`could not install Trivy ${inputs.trivyVersion}: ${errorMessage(error)}`);
    }
  });

  let db: DbOutcome | undefined;
  if (inputs.scanners.includes('vuln')) {
    db = await core.group('Vulnerability DB', () =>
      prepareDb({
        trivy,
        exec,
        cacheDir,
        repositories: inputs.dbRepositories,
        maxAgeMs: inputs.maxDbAgeMs,
        logger,
        cache: inputs.cacheDb ? actionsDbCache : undefined,
      }),
    );
  }

  const evaluator = new PolicyEvaluator(policy);
  const outcomes: ImageOutcome[] = [];
  const sarifFiles: string[] = [];
  const sarifNotes: string[] = [];
  let trivyVersion = inputs.trivyVersion;
  for (const target of targets) {
    await core.group(`Scan ${target.name}`, async () => {
      const reportFile = path.join(reportsDir, `${target.name}.json`);
      try {
        const findings = await scanImage(target, {
          trivy,
          exec,
          cacheDir,
          scanners: inputs.scanners,
          reportFile,
          workDir,
        }).then(({ header, findings }) => {
          trivyVersion = header.Trivy?.Version ?? trivyVersion;
          return findings;
        });
        const known = baseline?.lookup(targetAliases(target));
        const evaluation = evaluator.evaluate(findings, {
          imageName: target.image,
          isKnown: baseline ? (finding) => (known ? baseline.isKnown(known, finding) : false) : undefined,
        });
        const sarifFile = path.join(inputs.sarifDir, `${target.name}.sarif`);
        const sarif = buildSarif({
          imageName: target.image,
          category: `trivy-${target.name}`,
          artifact: target.reference ?? target.image,
          trivyVersion,
          evaluated: evaluation.evaluated,
        });
        fs.writeFileSync(sarifFile, JSON.stringify(sarif));
        const omitted = sarif.runs[0]!.properties.omittedResults;
        if (omitted > 0) {
          sarifNotes.push(
            `${target.name}: the SARIF keeps the ${SARIF_MAX_RESULTS} most important findings; ${omitted} more are only in the report (code scanning shows ${SARIF_MAX_RESULTS} per run)`,
          );
        }
        sarifFiles.push(sarifFile);
        core.info(
          `${target.name}: ${evaluation.evaluated.length} finding(s), ${evaluation.blocking.length} blocking: ${evaluation.verdict}`,
        );
        outcomes.push({
          target,
          evaluation,
          baselineFound: baseline ? known !== undefined : undefined,
          reportFile,
          sarifFile,
        });
      } catch (error) {
        if (!(error instanceof ScannerError)) throw error;
        core.info(error.message);
        outcomes.push({ target, error: error.message });
      }
    });
  }

  const review = evaluator.reviewIgnores();
  // One error annotation per step is kept for the failure message itself (GitHub shows ten).
  const annotations = new AnnotationBudget(undefined, ANNOTATIONS_PER_LEVEL - 1);
  for (const outcome of outcomes) {
    if (outcome.error)
      annotations.add({
        level: 'error',
        title: 'Trivy scan failed',
        message: redactor.redact(outcome.error),
      });
    for (const { finding } of outcome.evaluation?.blocking ?? []) {
      annotations.add({
        level: 'error',
        title: `Blocking ${finding.severity} finding`,
        message: describeFinding(outcome.target.name, finding),
      });
    }
  }
  for (const { rule, hits } of review.expired)
    annotations.add({
      level: 'warning',
      title: 'Expired ignore',
      message: `${rule.id} (${rule.where}) expired on ${rule.expires!.toISOString().slice(0, 10)}; it matched ${hits} finding(s), which are no longer ignored`,
    });
  for (const rule of review.expiringSoon)
    annotations.add({
      level: 'warning',
      title: 'Ignore expires soon',
      message: `${rule.id} (${rule.where}) expires on ${rule.expires!.toISOString().slice(0, 10)}`,
    });
  for (const rule of review.unused)
    annotations.add({
      level: 'notice',
      title: 'Unused ignore',
      message: `${rule.id} (${rule.where}) matched no finding`,
    });

  const uploadErrors: string[] = [];
  if (inputs.uploadSarif) {
    await core.group('Upload SARIF to code scanning', async () => {
      for (const file of sarifFiles) {
        try {
          const receipt = await uploadSarif(fs.readFileSync(file, 'utf8'), {
            apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
            repository: process.env.GITHUB_REPOSITORY ?? '',
            token: inputs.githubToken!,
            commitSha: process.env.GITHUB_SHA ?? '',
            ref: process.env.GITHUB_REF ?? '',
            logger,
          });
          core.info(`Uploaded ${path.basename(file)}${receipt.id ? ` (analysis ${receipt.id})` : ''}`);
        } catch (error) {
          uploadErrors.push(`${path.basename(file)}: ${redactor.redact(errorMessage(error))}`);
        }
      }
    });
  }

  const failedScans = outcomes.filter((outcome) => outcome.error);
  const blocking = outcomes.flatMap((outcome) =>
    (outcome.evaluation?.blocking ?? []).map((item) => ({ outcome, item })),
  );
  const verdict = failedScans.length > 0 || blocking.length > 0 ? 'fail' : 'pass';

  let manifestPath = inputs.releaseManifest ?? '';
  if (setup.manifest && inputs.releaseManifest) {
    manifestPath = inputs.releaseManifest;
    writeReleaseManifest(manifestPath, recordScans(setup.manifest, outcomes, trivyVersion));
  }
  const counts = Object.fromEntries(
    outcomes.filter((o) => o.evaluation).map((o) => [o.target.name, o.evaluation!.counts]),
  );
  core.setOutput('verdict', verdict);
  core.setOutput('counts', JSON.stringify(counts));
  core.setOutput('sarif', sarifFiles.join('\n'));
  core.setOutput('release-manifest', manifestPath);

  const summary = new SummaryBuilder();
  writeScanSummary(summary, {
    outcomes,
    policy,
    review,
    verdict,
    trivyVersion,
    baseline: baseline?.source,
    dbNote: db ? dbNote(db) : undefined,
    annotationsNote: annotations.omittedNote() || undefined,
  });
  for (const note of sarifNotes) summary.paragraph(note);
  if (uploadErrors.length > 0) summary.paragraph(`SARIF upload failed: ${uploadErrors.join('; ')}`);
  fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY ?? '/dev/null', redactor.redact(summary.toString()));

  const problems: string[] = failedScans.map((outcome) => outcome.error!);
  if (blocking.length > 0) {
    const shown = blocking
      .slice(0, 5)
      .map(({ outcome, item }) => describeFinding(outcome.target.name, item.finding));
    problems.push(
      `policy failed: ${blocking.length} blocking finding(s) at or above ${policy.failOnSeverity}: ${shown.join('; ')}${blocking.length > 5 ? `; and ${blocking.length - 5} more (see the job summary)` : ''}`,
    );
  }
  if (uploadErrors.length > 0) problems.push(`SARIF upload failed: ${uploadErrors.join('; ')}`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

function dbNote(db: DbOutcome): string {
  const when = db.downloadedAt
    ? ` (downloaded ${db.downloadedAt.toISOString().replace(/\.\d+Z$/, 'Z')})`
    : '';
  if (db.source === 'stale-cache')
    return `vulnerability DB: every repository failed, used the cached DB${when}`;
  const fallback = db.failures.length > 0 ? ` after ${db.failures.length} failed repository(ies)` : '';
  return `vulnerability DB from ${db.repository}${fallback}${when}`;
}

function recordScans(
  manifest: ReleaseManifest,
  outcomes: ImageOutcome[],
  trivyVersion: string,
): ReleaseManifest {
  let updated = manifest;
  const scannedAt = new Date().toISOString();
  for (const outcome of outcomes) {
    const { target, evaluation } = outcome;
    if (!target.service) continue;
    updated = updateService(updated, target.service, (service) => ({
      ...service,
      scan: {
        verdict: evaluation ? evaluation.verdict : 'error',
        ...(target.digest ? { digest: target.digest } : {}),
        ...(evaluation
          ? {
              counts: evaluation.counts,
              blocking: evaluation.blocking.length,
              ignored: evaluation.evaluated.filter(
                (i) => i.disposition === 'ignored' || i.disposition === 'not-affected',
              ).length,
            }
          : {}),
        ...(outcome.reportFile ? { report: outcome.reportFile } : {}),
        ...(outcome.sarifFile ? { sarif: outcome.sarifFile } : {}),
        scanner: `trivy ${trivyVersion}`,
        scannedAt,
      },
    }));
  }
  return updated;
}
