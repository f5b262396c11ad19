import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import {
  actionsExecRunner,
  actionsLogger,
  AnnotationBudget,
  ConfigurationError,
  errorMessage,
  failureMessage,
  isPostStep,
  runnerTempDir,
  SecretRedactor,
} from '@alt-las/action-kit';
import {
  deployPlan,
  Kubectl,
  kubectlWatcher,
  parseImageLines,
  prepareKubeconfig,
  preparePlan,
  releasedImagesFromManifest,
  removeKubeconfig,
  renderPlan,
  resolveKubectl,
  rollbackNamespace,
  stampedVersion,
  serverDiff,
  toManifest,
  withDeploySections,
  type KubeObject,
  type Plan,
} from '@alt-las/kube';
import {
  githubContextFromEnv,
  readReleaseManifestInput,
  writeReleaseManifest,
  type ReleaseManifest,
} from '@alt-las/release-model';
import { readInputs, type K8sDeployInputs } from './inputs';
import { recordDeployment } from './github-deployment';
import { writeSummary, type Report } from './summary';

const STATE_KUBECONFIG_DIR = 'kubeconfig-dir';
const REACHABILITY_LIMIT_MS = 30_000;

export async function run(): Promise<void> {
  if (isPostStep()) {
    if (removeKubeconfig(core.getState(STATE_KUBECONFIG_DIR)))
      core.info('Removed the kubeconfig written by the main step');
    return;
  }
  core.saveState('isPost', 'true');
  const redactor = new SecretRedactor();
  const annotations = new AnnotationBudget();
  const report: Report = {
    mode: 'deploy',
    dryRun: false,
    namespace: '',
    result: 'failed',
    message: '',
    notes: [],
  };
  try {
    const inputs = readInputs();
    Object.assign(report, { mode: inputs.mode, dryRun: inputs.dryRun, namespace: inputs.namespace });
    // A directory holds the fragments of a matrix build; they are merged, and the result written anew.
    const releaseManifest = inputs.releaseManifest
      ? readReleaseManifestInput(inputs.releaseManifest)
      : undefined;
    const workDir = runnerTempDir('alt-las-k8s-deploy');
    const manifestOut =
      inputs.releaseManifest && fs.statSync(inputs.releaseManifest).isDirectory()
        ? path.join(workDir, 'release-manifest.json')
        : inputs.releaseManifest;
    let kubectlBinary: string | undefined;
    const kubectlPath = async () =>
      (kubectlBinary ??= await resolveKubectl(inputs.kubectlVersion, { logger: actionsLogger }));
    const connect = async (): Promise<Kubectl> => {
      const kubeconfig = inputs.kubeconfig
        ? prepareKubeconfig(inputs.kubeconfig, {
            tempDir: runnerTempDir('alt-las-k8s-deploy'),
            context: inputs.context,
            redactor,
          })
        : undefined;
      if (kubeconfig) core.saveState(STATE_KUBECONFIG_DIR, kubeconfig.dir);
      const kubectl = new Kubectl(actionsExecRunner, {
        binary: await kubectlPath(),
        kubeconfig: kubeconfig?.path ?? (process.env.KUBECONFIG || undefined),
        context: inputs.context || undefined,
        requestTimeoutMs: REACHABILITY_LIMIT_MS,
      });
      const version = await kubectl.checkReachable(Math.min(inputs.timeoutMs, REACHABILITY_LIMIT_MS));
      core.info(`Connected to Kubernetes ${version}${kubeconfig?.server ? ` at ${kubeconfig.server}` : ''}`);
      return kubectl;
    };

    if (inputs.mode === 'rollback') {
      if (inputs.dryRun)
        throw new ConfigurationError(
          'input "dry-run": mode rollback has no dry run; use mode diff to preview',
          'dry-run',
        );
      const kubectl = await core.group('Connect to the cluster', connect);
      await rollbackMode(inputs, kubectl, report);
    } else {
      const plan = await core.group('Render, validate, order and pin the manifests', () =>
        buildPlan(inputs, releaseManifest, redactor, async (dir) => {
          const binary = await kubectlPath();
          return (await actionsExecRunner(binary, ['kustomize', dir], { silent: true })).stdout;
        }),
      );
      report.plan = plan;
      report.diffPath = path.join(workDir, inputs.dryRun ? 'plan.yaml' : 'diff.txt');
      if (inputs.dryRun) {
        let text = redactor.redact(renderPlan(plan.objects));
        const diff = await optionalServerDiff(inputs, plan, redactor, connect, report);
        if (diff !== undefined)
          text += `\n# server-side diff against the cluster\n${diff === '' ? '# (no differences)\n' : diff}`;
        fs.writeFileSync(report.diffPath, text);
        report.result = 'unchanged';
        report.message = `dry run: ${plan.objects.length} object(s) rendered and pinned; nothing was applied`;
      } else {
        const kubectl = await core.group('Connect to the cluster', connect);
        // The diff and the record of what runs now are independent reads; doing them together saves a round trip.
        const [diff, live] = await core.group('Server-side diff', () =>
          Promise.all([
            serverDiff(plan.objects, inputs, { kubectl, redactor }),
            inputs.mode === 'deploy' ? kubectl.getLive<KubeObject>(toManifest(plan.objects)) : undefined,
          ]),
        );
        report.diff = diff;
        fs.writeFileSync(report.diffPath, report.diff);
        const previous = live ? stampedVersion(live) : undefined;
        core.info(
          `Before this deploy: ${live?.length ?? 0} live object(s), release ${previous ?? 'unknown or mixed'}`,
        );
        if (previous) core.setOutput('previous-version', previous);
        if (inputs.mode === 'diff') {
          report.result = 'unchanged';
          report.message =
            report.diff === ''
              ? 'the cluster already matches the manifests'
              : 'differences found; nothing was applied (mode: diff)';
        } else {
          const outcome = await core.group('Apply and wait', () =>
            deployPlan(
              plan.objects,
              inputs,
              { kubectl, watcher: kubectlWatcher(kubectl), logger: actionsLogger, redactor },
              live,
            ),
          );
          Object.assign(report, { outcome, result: outcome.result, message: outcome.message });
        }
      }
    }
    if (releaseManifest && manifestOut) {
      writeReleaseManifest(
        manifestOut,
        withDeploySections(releaseManifest, {
          result: inputs.dryRun || inputs.mode === 'diff' ? 'planned' : report.result,
          namespace: inputs.namespace,
          revisions: report.outcome?.revisions ?? report.revisions ?? {},
          pins: report.plan?.pins ?? [],
          at: new Date(),
        }),
      );
      core.setOutput('release-manifest', manifestOut);
    }
    report.message = redactor.redact(report.message);
    if (!inputs.dryRun && inputs.mode !== 'diff') {
      await recordDeployment(inputs, report, actionsLogger).catch((error) =>
        core.warning(`GitHub deployment record not written: ${redactor.redact(errorMessage(error))}`),
      );
    }
    core.setOutput('result', report.result);
    core.setOutput('revisions', JSON.stringify(report.outcome?.revisions ?? report.revisions ?? {}));
    if (report.diffPath) core.setOutput('diff', report.diffPath);
    writeSummary(report, redactor, annotations);
    // A rollback the user asked for (mode: rollback) is a success; one forced by a failed rollout is not.
    if (report.result === 'failed' || (report.result === 'rolled-back' && inputs.mode === 'deploy'))
      core.setFailed(redactor.redact(report.message));
  } catch (error) {
    const message = failureMessage(error, (text) => redactor.redact(text));
    report.result = 'failed';
    report.message = message;
    core.setOutput('result', 'failed');
    writeSummary(report, redactor, annotations);
    core.setFailed(message);
  }
}

async function buildPlan(
  inputs: K8sDeployInputs,
  releaseManifest: ReleaseManifest | undefined,
  redactor: SecretRedactor,
  kustomize: (dir: string) => Promise<string>,
): Promise<Plan> {
  const images = [
    ...(releaseManifest ? releasedImagesFromManifest(releaseManifest, inputs.dryRun) : []),
    ...parseImageLines(inputs.images),
  ];
  if (images.length === 0)
    throw new ConfigurationError(
      'give input "release-manifest" or "images": without them no image can be pinned by digest',
      'release-manifest',
    );
  const context = githubContextFromEnv();
  const plan = await preparePlan({
    ...inputs,
    images,
    env: process.env,
    redactor,
    kustomize,
    stamp: {
      version: releaseManifest?.release.version ?? inputs.vars.RELEASE_VERSION,
      gitSha: releaseManifest?.release.sha ?? context.sha,
      runUrl: context.runUrl,
    },
  });
  core.info(`${plan.objects.length} object(s) in apply order; ${plan.pins.length} image(s) pinned by digest`);
  for (const pin of plan.pins)
    core.info(
      `  ${pin.object.replace(/\/[^/]*\//, '/')} ${pin.container}: ${pin.after}${pin.pending ? ' (pinned to its digest once published)' : ''}`,
    );
  for (const image of plan.unpinnedThirdParty)
    core.warning(`Not pinned by digest (third-party image on a tag): ${image}`);
  return plan;
}

/** A dry run adds the server-side diff when a cluster is configured and answers; otherwise it stays offline. */
async function optionalServerDiff(
  inputs: K8sDeployInputs,
  plan: Plan,
  redactor: SecretRedactor,
  connect: () => Promise<Kubectl>,
  report: Report,
): Promise<string | undefined> {
  if (!inputs.kubeconfig && !process.env.KUBECONFIG) {
    report.notes.push('No kubeconfig given: the plan was made offline, without a server-side diff.');
    return undefined;
  }
  try {
    const kubectl = await core.group('Connect to the cluster (optional in a dry run)', connect);
    report.diff = await serverDiff(plan.objects, inputs, { kubectl, redactor });
    return report.diff;
  } catch (error) {
    if (error instanceof ConfigurationError && error.subject !== 'kubectl-version') throw error;
    report.notes.push(`No server-side diff: ${redactor.redact(errorMessage(error))}`);
    return undefined;
  }
}

async function rollbackMode(inputs: K8sDeployInputs, kubectl: Kubectl, report: Report): Promise<void> {
  const rollback = await core.group(`Roll back to ${inputs.rollbackTo}`, () =>
    rollbackNamespace(
      inputs.namespace,
      inputs.rollbackTo,
      { fieldManager: inputs.fieldManager, timeoutMs: inputs.timeoutMs },
      { kubectl, watcher: kubectlWatcher(kubectl), logger: actionsLogger },
    ),
  );
  report.revisions = rollback.revisions;
  if (rollback.skipped.length > 0)
    report.notes.push(
      `No revision of ${inputs.rollbackTo} in the history of: ${rollback.skipped.join(', ')} (left as they are).`,
    );
  report.result = rollback.ok ? 'rolled-back' : 'failed';
  report.message = rollback.message;
}
