import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import { actionsExecRunner, AnnotationBudget, failureMessage, systemClock } from '@alt-las/action-kit';
import {
  buildService,
  planServices,
  runWithLimit,
  selectBuilder,
  type ServiceBuild,
  type ServicePlan,
} from '@alt-las/build';
import {
  createReleaseManifest,
  githubContextFromEnv,
  loadServicesFile,
  nameRelease,
  selectServices,
  updateService,
  writeReleaseManifest,
  type ReleaseManifest,
} from '@alt-las/release-model';
import { readInputs, type BuildServicesInputs } from './inputs';
import { annotateFailure, printServiceLog, setOutputs, writeBuildSummary, writePlanSummary } from './report';

/** A test command that runs longer than this is stopped and fails its service. */
const TEST_TIMEOUT_MS = 30 * 60_000;

const workspace = () => process.env.GITHUB_WORKSPACE ?? process.cwd();

export async function run(): Promise<void> {
  let cleanup: (() => Promise<void>) | undefined;
  try {
    const inputs = readInputs();
    const { manifest, plans } = await core.group('Resolve services and version', async () =>
      planRelease(inputs),
    );
    const manifestPath = path.join(inputs.outputDir, 'release-manifest.json');
    if (inputs.dryRun) {
      writeReleaseManifest(manifestPath, manifest);
      setOutputs(manifest, manifestPath);
      writePlanSummary(manifest);
      return;
    }

    const workDir = fs.mkdtempSync(
      path.join(process.env.RUNNER_TEMP || inputs.outputDir, 'alt-las-build-work-'),
    );
    const { builder, version } = await core.group('Select the image builder', async () => {
      const selected = await selectBuilder(inputs.builder, { exec: actionsExecRunner, workDir });
      core.info(`Building with ${selected.version}`);
      return selected;
    });
    cleanup = async () => {
      await builder.cleanup((command, args) => actionsExecRunner(command, args, { silent: true }));
      fs.rmSync(workDir, { recursive: true, force: true });
    };

    core.info(`Building ${plans.length} service(s), ${inputs.parallel} at a time`);
    const outcomes = await runWithLimit(plans, inputs.parallel, async (plan) => {
      core.info(`${plan.name}: started`);
      const result = await buildService(plan, {
        builder,
        builderVersion: version,
        exec: actionsExecRunner,
        clock: systemClock,
        runTests: inputs.runTests,
        testTimeoutMs: TEST_TIMEOUT_MS,
      });
      printServiceLog(result);
      return result;
    });
    const results = outcomes.map((outcome, i): ServiceBuild => {
      if (outcome.ok) return outcome.value;
      const message = failureMessage(outcome.error);
      return {
        name: plans[i]!.name,
        test: { result: 'skipped', durationMs: 0, detail: 'not reached' },
        failure: { phase: 'build', message },
        log: [message],
        durationMs: 0,
      };
    });

    const built = recordResults(manifest, results);
    writeReleaseManifest(manifestPath, built);
    setOutputs(built, manifestPath);
    const failed = results.filter((result) => result.failure);
    const annotations = new AnnotationBudget();
    for (const result of failed)
      annotateFailure(
        result,
        plans.find((plan) => plan.name === result.name)!,
        annotations,
      );
    writeBuildSummary(built, results, annotations);
    if (failed.length > 0) {
      throw new Error(
        `${failed.length} of ${results.length} service(s) failed: ${failed
          .map((result) => `${result.name} (${result.failure!.phase})`)
          .join(', ')}`,
      );
    }
  } catch (error) {
    core.setFailed(failureMessage(error));
  } finally {
    await cleanup?.().catch((error: unknown) => core.warning(`cleanup failed: ${failureMessage(error)}`));
  }
}

function planRelease(inputs: BuildServicesInputs): { manifest: ReleaseManifest; plans: ServicePlan[] } {
  const servicesFile = loadServicesFile(inputs.servicesFile);
  const services = selectServices(servicesFile.services, inputs.services);
  const context = githubContextFromEnv();
  const release = nameRelease(context, {
    version: inputs.version,
    registry: inputs.registry,
    namespace: inputs.namespace,
  });
  const createdAt = new Date().toISOString();
  const plans = planServices(services, release, {
    root: servicesFile.root,
    outputDir: inputs.outputDir,
    runTests: inputs.runTests,
    buildArgs: inputs.buildArgs,
    buildContexts: inputs.buildContexts,
    labels: inputs.labels,
    created: createdAt,
    repository: context.repository,
    serverUrl: process.env.GITHUB_SERVER_URL,
  });
  core.info(`Release ${release.version.version}: ${services.map((service) => service.name).join(', ')}`);
  const manifest = createReleaseManifest(
    { ...release.info, dryRun: inputs.dryRun || undefined, createdAt },
    services.map((service) => ({
      name: service.name,
      context: path.relative(workspace(), path.resolve(servicesFile.root, service.context)),
      image: release.repositoryFor(service.image),
      workload: service.workload,
      port: service.port,
      healthPath: service.healthPath,
    })),
  );
  return { manifest, plans };
}

function recordResults(manifest: ReleaseManifest, results: ServiceBuild[]): ReleaseManifest {
  return results.reduce(
    (current, result) =>
      updateService(current, result.name, (service) => ({
        ...service,
        test: result.test,
        build: result.build && {
          archive: result.build.archive,
          digest: result.build.digest,
          size: result.build.size,
          layers: result.build.layers,
          builder: result.build.builder,
          durationMs: result.build.durationMs,
          builtAt: result.build.builtAt,
        },
      })),
    manifest,
  );
}
