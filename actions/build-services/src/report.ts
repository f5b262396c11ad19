import * as path from 'node:path';
import * as core from '@actions/core';
import { AnnotationBudget, formatDuration, SummaryBuilder } from '@alt-las/action-kit';
import { UNCHANGED_TEST, type ServiceBuild, type ServicePlan } from '@alt-las/build';
import type { ReleaseManifest } from '@alt-las/release-model';

const workspace = () => process.env.GITHUB_WORKSPACE ?? process.cwd();

/** One group per service, printed whole when it finishes, so parallel builds do not interleave. */
export function printServiceLog(result: ServiceBuild): void {
  const status = result.failure
    ? `failed (${result.failure.phase})`
    : result.build?.reused
      ? 'unchanged, archive kept'
      : 'built';
  core.startGroup(`${result.name}: ${status} in ${formatDuration(result.durationMs)}`);
  for (const line of result.log) core.info(line);
  core.endGroup();
}

export function annotateFailure(
  result: ServiceBuild,
  plan: ServicePlan,
  annotations: AnnotationBudget,
): void {
  const failure = result.failure!;
  const what = failure.phase === 'test' ? 'tests failed' : 'image build failed';
  const blamesDockerfile = failure.line !== undefined || failure.phase === 'build';
  annotations.add({
    level: 'error',
    title: `${result.name}: ${what}`,
    message: failure.message,
    file: blamesDockerfile ? path.relative(workspace(), plan.dockerfile.file) : undefined,
    startLine: failure.line,
  });
}

export function setOutputs(manifest: ReleaseManifest, manifestPath: string): void {
  core.setOutput('release-manifest', manifestPath);
  core.setOutput('version', manifest.release.version);
  core.setOutput(
    'images',
    JSON.stringify(
      Object.fromEntries(
        manifest.services.map((service) => [
          service.name,
          {
            image: service.image,
            tags: manifest.release.tags,
            archive: service.build?.archive,
            digest: service.build?.digest,
          },
        ]),
      ),
    ),
  );
  core.setOutput(
    'matrix',
    JSON.stringify({
      include: manifest.services.map((service) => ({ service: service.name, image: service.image })),
    }),
  );
}

export function writePlanSummary(manifest: ReleaseManifest): void {
  new SummaryBuilder()
    .heading(`build-services (dry run): ${manifest.release.version}`)
    .table(
      ['Service', 'Context', 'Image', 'Tags'],
      manifest.services.map((service) => [
        service.name,
        service.context,
        service.image,
        manifest.release.tags.join(', '),
      ]),
    )
    .write();
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function writeBuildSummary(
  manifest: ReleaseManifest,
  results: ServiceBuild[],
  annotations: AnnotationBudget,
): void {
  const summary = new SummaryBuilder().heading(`build-services: ${manifest.release.version}`);
  summary.table(
    ['Service', 'Tests', 'Test time', 'Image size', 'Layers', 'Digest', 'Build time'],
    results.map((result) => [
      result.name,
      result.test.result,
      result.test.result === 'skipped'
        ? ''
        : result.test.detail === UNCHANGED_TEST
          ? 'unchanged'
          : formatDuration(result.test.durationMs),
      result.build ? megabytes(result.build.size) : '',
      result.build?.layers ?? '',
      result.build ? `\`${result.build.digest}\`` : `failed (${result.failure?.phase ?? 'build'})`,
      result.build ? (result.build.reused ? 'unchanged' : formatDuration(result.build.durationMs)) : '',
    ]),
  );
  summary.paragraph(`Tags: ${manifest.release.tags.map((tag) => `\`${tag}\``).join(', ')}`);
  const failed = results.filter((result) => result.failure);
  if (failed.length > 0) {
    summary.list(
      failed.map((result) => `**${result.name}** (${result.failure!.phase}): ${result.failure!.message}`),
    );
  }
  const omitted = annotations.omittedNote();
  if (omitted) summary.paragraph(omitted);
  summary.write();
}
