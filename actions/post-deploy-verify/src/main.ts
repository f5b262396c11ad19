import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import {
  actionsExecRunner,
  actionsLogger,
  type Logger,
  actionsAnnotationSink,
  AnnotationBudget,
  ANNOTATIONS_PER_LEVEL,
  failureMessage,
  runnerTempDir,
  SecretRedactor,
  writePrivateFile,
} from '@alt-las/action-kit';
import {
  buildReport,
  createHttpClient,
  planChecks,
  renderSummary,
  runVerification,
  type CheckResult,
  type LoadRun,
  type VerifyReport,
  type VerifySettings,
} from '@alt-las/verify';
import { kubeconfigSecrets, readInputs, type VerifyInputs } from './inputs';

export async function run(): Promise<void> {
  const redactor = new SecretRedactor();
  let kubeconfigFile: string | undefined;
  try {
    const inputs = readInputs();
    redactor.add(inputs.authHeader);
    // `Bearer <token>`: the token alone must not leak either (e.g. echoed back by a service).
    redactor.add(inputs.authHeader.replace(/^\S+\s+/, ''));
    for (const secret of kubeconfigSecrets(inputs.kubeconfig ?? '')) redactor.add(secret);

    const workDir = runnerTempDir('post-deploy-verify');
    // A dry run only needs to know that cluster access was given; nothing is written for it.
    if (inputs.kubeconfig && !inputs.dryRun) {
      kubeconfigFile = path.join(workDir, 'kubeconfig');
      writePrivateFile(kubeconfigFile, inputs.kubeconfig);
    }
    const settings = toSettings(
      inputs,
      kubeconfigFile ?? inputs.kubeconfigPath ?? (inputs.kubeconfig ? 'the kubeconfig input' : undefined),
    );
    const startedAt = new Date();
    let checks: CheckResult[];
    let load: LoadRun | undefined;
    if (inputs.dryRun) {
      checks = planChecks(settings);
      for (const planned of checks)
        core.info(`${planned.category} / ${planned.name}: ${planned.status} (${planned.message})`);
    } else {
      ({ checks, load } = await runVerification(settings, {
        http: createHttpClient({ ca: inputs.ca }),
        exec: actionsExecRunner,
        logger: redactingLogger(redactor),
      }));
    }
    const report = redactReport(
      buildReport({
        baseUrl: inputs.baseUrl.href,
        startedAt,
        finishedAt: new Date(),
        failOn: inputs.failOn,
        thresholds: { ...settings.thresholds, tlsMinDays: settings.tlsMinDays },
        checks,
        load,
        dryRun: inputs.dryRun,
      }),
      redactor,
    );
    const reportFile = path.join(workDir, 'report.json');
    fs.writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);

    const omitted = annotate(report);
    renderSummary(report, omitted ? [omitted] : []).write();

    setOutputs(report, reportFile);
    if (report.verdict === 'fail') {
      const categories = [...new Set(report.failures.map((failure) => failure.category))];
      core.setFailed(
        `post-deploy verification failed: ${report.failures.length} check(s) in ${categories.join(', ')} (see the job summary and ${reportFile})`,
      );
    }
  } catch (error) {
    core.setFailed(failureMessage(error, (text) => redactor.redact(text)));
  } finally {
    if (kubeconfigFile) fs.rmSync(kubeconfigFile, { force: true });
  }
}

/** Services may echo request headers back; the runner masks the log, and this keeps it clean without it. */
function redactingLogger(redactor: SecretRedactor): Logger {
  return {
    debug: (message) => actionsLogger.debug(redactor.redact(message)),
    info: (message) => actionsLogger.info(redactor.redact(message)),
    warning: (message) => actionsLogger.warning(redactor.redact(message)),
    group: (name, fn) => actionsLogger.group(redactor.redact(name), fn),
  };
}

function toSettings(inputs: VerifyInputs, kubeconfig: string | undefined): VerifySettings {
  return {
    baseUrl: inputs.baseUrl,
    plan: inputs.checks,
    authHeader: inputs.authHeader || undefined,
    warmupMs: inputs.warmupMs,
    loadDurationMs: inputs.loadDurationMs,
    loadConnections: inputs.loadConnections,
    thresholds: {
      p95Ms: inputs.p95Ms,
      p99Ms: inputs.p99Ms,
      maxErrorRate: inputs.maxErrorRate,
      minRps: inputs.minRps,
    },
    tlsMinDays: inputs.tlsMinDays,
    ca: inputs.ca,
    namespace: inputs.namespace,
    kubeconfig,
  };
}

/** Whatever a service echoed back is redacted before it reaches the report, summary or annotations. */
function redactReport(report: VerifyReport, redactor: SecretRedactor): VerifyReport {
  return JSON.parse(redactor.redact(JSON.stringify(report))) as VerifyReport;
}

/** Errors for blocking failures, warnings for the rest; returns the note on any left out. */
function annotate(report: VerifyReport): string {
  // One error of GitHub's ten per step stays free for the step's own failure message.
  const budget = new AnnotationBudget(actionsAnnotationSink, ANNOTATIONS_PER_LEVEL - 1);
  for (const failure of report.failures) {
    budget.add({ level: 'error', title: `${failure.category}: ${failure.name}`, message: failure.message });
  }
  for (const failure of report.advisories) {
    budget.add({
      level: 'warning',
      title: `${failure.category}: ${failure.name} (not in fail-on)`,
      message: failure.message,
    });
  }
  const omitted = budget.omittedCount();
  return omitted === 0
    ? ''
    : `${omitted} failed check(s) not shown as annotations (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level per step, one is kept for the step's result); all are listed in this summary.`;
}

function setOutputs(report: VerifyReport, reportFile: string): void {
  core.setOutput('report', reportFile);
  if (report.verdict !== 'planned') core.setOutput('verdict', report.verdict);
  core.setOutput('failures', JSON.stringify(report.failures));
  if (report.load) {
    core.setOutput('p95-ms', String(report.load.latency.p95));
    core.setOutput('p99-ms', String(report.load.latency.p99));
    core.setOutput('rps', report.load.rps.toFixed(1));
    core.setOutput('error-rate', report.load.errorRate.toFixed(4));
  }
}
