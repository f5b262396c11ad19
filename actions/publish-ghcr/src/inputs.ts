import * as path from 'node:path';
import { ConfigurationError, environmentInputs, InputReader, type InputSource } from '@alt-las/action-kit';
import { registryEndpoint, type LatestMode } from '@alt-las/oci';

export interface PublishInputs {
  releaseManifest: string;
  /** Host for image references (`ghcr.io`, `127.0.0.1:5000`). */
  registryHost: string;
  /** What the client connects to (`https://ghcr.io`, or `http://...` for a plain-HTTP registry). */
  registry: string;
  namespace: string;
  username: string;
  token: string;
  tags: string[];
  latest: LatestMode;
  requireScan: boolean;
  concurrency: number;
  retryDeadlineMs: number;
  dryRun: boolean;
}

/** Registry path components: lower-case letters and digits with single separators. */
const NAMESPACE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function readInputs(
  source: InputSource = environmentInputs(),
  env: NodeJS.ProcessEnv = process.env,
): PublishInputs {
  const reader = new InputReader(source);
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const registry = reader.string('registry', { default: 'ghcr.io' });
  const namespace = (reader.optionalString('namespace') ?? env.GITHUB_REPOSITORY_OWNER ?? '').toLowerCase();
  if (!NAMESPACE.test(namespace)) {
    throw new ConfigurationError(
      namespace === ''
        ? 'input "namespace" is empty and GITHUB_REPOSITORY_OWNER is not set'
        : `input "namespace": got "${namespace}", expected lower-case letters, digits and single separators (. _ -), e.g. my-org`,
      'namespace',
    );
  }
  return {
    releaseManifest: path.resolve(workspace, reader.string('release-manifest', { required: true })),
    registryHost: registryEndpoint(registry).host,
    registry,
    namespace,
    username: reader.optionalString('username') ?? env.GITHUB_ACTOR ?? '',
    token: reader.optionalString('token') ?? '',
    tags: reader.list('tags'),
    latest: reader.enum('latest', ['auto', 'true', 'false'] as const, { default: 'auto' }),
    requireScan: reader.boolean('require-scan', { default: true }),
    concurrency: reader.integer('concurrency', { default: 4, min: 1, max: 32 }),
    retryDeadlineMs: reader.duration('retry-deadline', { default: '5m' }),
    dryRun: reader.boolean('dry-run', { default: false }),
  };
}
