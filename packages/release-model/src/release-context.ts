import { ConfigurationError } from '@alt-las/action-kit';
import { imageRepository } from './image-name';
import type { ReleaseInfo } from './release-manifest';
import { deriveVersion, type ReleaseVersion } from './version';

export interface GitHubContext {
  ref: string;
  sha?: string;
  repository?: string;
  owner?: string;
  runUrl?: string;
}

/** The parts of the runner's environment a release is named from. */
export function githubContextFromEnv(env: NodeJS.ProcessEnv = process.env): GitHubContext {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA || undefined,
    repository: env.GITHUB_REPOSITORY || undefined,
    owner: env.GITHUB_REPOSITORY_OWNER || env.GITHUB_REPOSITORY?.split('/')[0] || undefined,
    runUrl:
      env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined,
  };
}

export interface ReleaseNaming {
  /** Explicit version input (`v1.2.3` or `1.2.3`); empty means "from the git ref". */
  version?: string;
  registry: string;
  /** Registry namespace; empty means the repository owner. */
  namespace?: string;
  highestReleased?: string;
  latest?: boolean;
}

export interface NamedRelease {
  version: ReleaseVersion;
  registry: string;
  namespace: string;
  info: ReleaseInfo;
  repositoryFor(imageName: string): string;
}

/** Resolves version, tags, registry and namespace for a run, the same way in every action. */
export function nameRelease(context: GitHubContext, naming: ReleaseNaming): NamedRelease {
  const ref = naming.version ? naming.version : context.ref;
  if (!ref)
    throw new ConfigurationError(
      'input "version" is empty and GITHUB_REF is not set; give a version such as v1.2.3',
      'version',
    );
  const version = deriveVersion(ref, {
    sha: context.sha,
    highestReleased: naming.highestReleased,
    latest: naming.latest,
  });
  const namespace = (naming.namespace || context.owner || '').toLowerCase();
  if (!namespace)
    throw new ConfigurationError(
      'input "namespace" is empty and GITHUB_REPOSITORY_OWNER is not set',
      'namespace',
    );
  const registry = naming.registry.toLowerCase();
  return {
    version,
    registry,
    namespace,
    info: {
      version: version.version,
      prerelease: version.prerelease,
      tags: version.tags,
      ref: context.ref || undefined,
      sha: context.sha,
      repository: context.repository,
      registry,
      namespace,
      runUrl: context.runUrl,
    },
    repositoryFor: (imageName) => imageRepository(registry, namespace, imageName),
  };
}
