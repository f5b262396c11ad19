import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '@alt-las/action-kit';
import type { NamedRelease, ServiceDefinition } from '@alt-las/release-model';
import type { ServicePlan } from './build-service';
import { loadDockerfile, requireStage } from './dockerfile';
import { ociLabels } from './labels';

export interface PlanOptions {
  /** Directory the services file's contexts are relative to. */
  root: string;
  outputDir: string;
  runTests: boolean;
  buildArgs: Record<string, string>;
  buildContexts: Record<string, string>;
  labels: Record<string, string>;
  /** RFC 3339 build time for the `created` label. */
  created: string;
  repository?: string;
  serverUrl?: string;
}

export const archiveFileName = (service: string) => `${service}.oci.tar`;

/**
 * Turns the selected services into build plans, checking everything that can be checked without
 * building: Dockerfile syntax, the test stage, named contexts. It throws the first user mistake,
 * before any test or build runs.
 */
export function planServices(
  services: ServiceDefinition[],
  release: NamedRelease,
  options: PlanOptions,
): ServicePlan[] {
  for (const [name, dir] of Object.entries(options.buildContexts)) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new ConfigurationError(
        `input "build-contexts": ${name}=${dir} is not a directory`,
        'build-contexts',
      );
    }
  }
  return services.map((service) => {
    const context = path.resolve(options.root, service.context);
    const dockerfile = loadDockerfile(path.resolve(context, service.dockerfile));
    if (options.runTests && service.test?.stage) requireStage(dockerfile, service.test.stage);
    const image = release.repositoryFor(service.image);
    return {
      name: service.name,
      context,
      dockerfile,
      test: service.test,
      image,
      tag: `${image}:${release.version.version}`,
      refName: release.version.version,
      labels: ociLabels(
        {
          repository: options.repository,
          serverUrl: options.serverUrl,
          revision: release.info.sha,
          version: release.version.version,
          created: options.created,
          title: service.name,
        },
        options.labels,
      ),
      buildArgs: { ...service.buildArgs, ...options.buildArgs },
      buildContexts: options.buildContexts,
      archive: path.join(options.outputDir, archiveFileName(service.name)),
    };
  });
}
