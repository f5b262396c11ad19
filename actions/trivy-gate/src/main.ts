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
import { readReleaseManifest, writeReleaseManifest, type ReleaseManifest } from '@alt-las/release-model';
import {
  actionsDbCache,
  annotateGate,
  describeDb,
  gateVerdict,
  loadBaseline,
  loadIgnoreFile,
  loadVex,
  PolicyEvaluator,
  prepareDb,
  recordScans,
  scanAndJudge,
  ScannerError,
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
  const missing = inputs.dryRun ? undefined : targets.find((t) => t.archive && !fs.existsSync(t.archive));
  if (missing) {
    const input = manifest ? 'release-manifest' : 'images';
    throw new ConfigurationError(
      `input "${input}": the image archive of ${missing.name} (${missing.archive}) does not exist`,
      input,
    );
  }
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
  const context = {
    trivy,
    exec,
    logger,
    cacheDir,
    scanners: inputs.scanners,
    reportsDir,
    sarifDir: inputs.sarifDir,
    workDir,
    evaluator,
    baseline,
  };
  const outcomes: ImageOutcome[] = [];
  for (const target of targets) {
    outcomes.push(await core.group(`Scan ${target.name}`, () => scanAndJudge(target, context)));
  }
  const trivyVersion = outcomes.find((outcome) => outcome.trivyVersion)?.trivyVersion ?? inputs.trivyVersion;
  const sarifFiles = outcomes.flatMap((outcome) => (outcome.sarifFile ? [outcome.sarifFile] : []));

  const review = evaluator.reviewIgnores();
  // One error annotation per step is kept for the failure message itself (GitHub shows ten).
  const annotations = new AnnotationBudget(undefined, ANNOTATIONS_PER_LEVEL - 1);
  annotateGate(annotations, outcomes, review, (text) => redactor.redact(text));

  const uploadErrors = inputs.uploadSarif
    ? await core.group('Upload SARIF to code scanning', () =>
        uploadAll(sarifFiles, inputs.githubToken!, (text) => redactor.redact(text)),
      )
    : [];

  const { verdict, problems } = gateVerdict(outcomes, policy);
  if (setup.manifest && inputs.releaseManifest) {
    writeReleaseManifest(
      inputs.releaseManifest,
      recordScans(setup.manifest, outcomes, `trivy ${trivyVersion}`),
    );
  }
  const counts = Object.fromEntries(
    outcomes.flatMap((o) => (o.evaluation ? [[o.target.name, o.evaluation.counts]] : [])),
  );
  core.setOutput('verdict', verdict);
  core.setOutput('counts', JSON.stringify(counts));
  core.setOutput('sarif', sarifFiles.join('\n'));
  core.setOutput('release-manifest', inputs.releaseManifest ?? '');

  const summary = new SummaryBuilder();
  writeScanSummary(summary, {
    outcomes,
    policy,
    review,
    verdict,
    trivyVersion,
    baseline: baseline?.source,
    dbNote: db ? describeDb(db) : undefined,
    annotationsNote: annotations.omittedNote() || undefined,
  });
  if (uploadErrors.length > 0) summary.paragraph(`SARIF upload failed: ${uploadErrors.join('; ')}`);
  fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY ?? '/dev/null', redactor.redact(summary.toString()));

  if (uploadErrors.length > 0) problems.push(`SARIF upload failed: ${uploadErrors.join('; ')}`);
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

/** Uploads every SARIF file; returns one message per failed upload (already redacted). */
async function uploadAll(
  files: string[],
  token: string,
  redact: (text: string) => string,
): Promise<string[]> {
  const errors: string[] = [];
  for (const file of files) {
    try {
      const receipt = await uploadSarif(fs.readFileSync(file, 'utf8'), {
        apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
        repository: process.env.GITHUB_REPOSITORY ?? '',
        token,
        commitSha: process.env.GITHUB_SHA ?? '',
        ref: process.env.GITHUB_REF ?? '',
        logger: actionsLogger,
      });
      core.info(`Uploaded ${path.basename(file)}${receipt.id ? ` (analysis ${receipt.id})` : ''}`);
    } catch (error) {
      errors.push(`${path.basename(file)}: ${redact(errorMessage(error))}`);
    }
  }
  return errors;
}
