import * as path from 'node:path';
import * as core from '@actions/core';
import { failureMessage, SummaryBuilder } from '@alt-las/action-kit';
import {
  createReleaseManifest,
  githubContextFromEnv,
  loadServicesFile,
  nameRelease,
  selectServices,
  writeReleaseManifest,
  type ReleaseManifest,
} from '@alt-las/release-model';
import { readInputs } from './inputs';

export async function run(): Promise<void> {
  try {
    const inputs = readInputs();
    const manifest = await core.group('Resolve services and version', async () => {
      const servicesFile = loadServicesFile(inputs.servicesFile);
      const services = selectServices(servicesFile.services, inputs.services);
      const release = nameRelease(githubContextFromEnv(), {
        version: inputs.version,
        registry: inputs.registry,
        namespace: inputs.namespace,
      });
      core.info(`Release ${release.version.version}: ${services.map((service) => service.name).join(', ')}`);
      return createReleaseManifest(
        { ...release.info, dryRun: inputs.dryRun || undefined, createdAt: new Date().toISOString() },
        services.map((service) => ({
          name: service.name,
          context: path.relative(
            process.env.GITHUB_WORKSPACE ?? process.cwd(),
            path.resolve(servicesFile.root, service.context),
          ),
          image: release.repositoryFor(service.image),
          workload: service.workload,
          port: service.port,
          healthPath: service.healthPath,
        })),
      );
    });
    if (!inputs.dryRun) {
      throw new Error(
        'building images is not available in this version of build-services; use dry-run: true to plan',
      );
    }
    const manifestPath = path.join(inputs.outputDir, 'release-manifest.json');
    writeReleaseManifest(manifestPath, manifest);
    setOutputs(manifest, manifestPath);
    writeSummary(manifest, inputs.dryRun);
  } catch (error) {
    core.setFailed(failureMessage(error));
  }
}

function setOutputs(manifest: ReleaseManifest, manifestPath: string): void {
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

function writeSummary(manifest: ReleaseManifest, dryRun: boolean): void {
  const summary = new SummaryBuilder().heading(
    `build-services${dryRun ? ' (dry run)' : ''}: ${manifest.release.version}`,
  );
  summary.table(
    ['Service', 'Context', 'Image', 'Tags'],
    manifest.services.map((service) => [
      service.name,
      service.context,
      service.image,
      manifest.release.tags.join(', '),
    ]),
  );
  summary.write();
}
