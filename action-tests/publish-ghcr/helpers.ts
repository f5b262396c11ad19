import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as path from 'node:path';
import {
  createReleaseManifest,
  deriveVersion,
  writeReleaseManifest,
  type ReleaseManifest,
  type ServiceRelease,
} from '@alt-las/release-model';
import type { Registry } from '../harness/registry';

// Async on purpose: the token service runs in the test process and must keep answering while skopeo waits.
const run = promisify(execFile);

export interface FixtureImage {
  name: string;
  archive: string;
  digest: string;
}

export const SHA = '0123456789abcdef0123456789abcdef01234567';

/** A release manifest as build-services and trivy-gate leave it: built, scanned and passed. */
export function writeManifest(
  dir: string,
  images: FixtureImage[],
  options: {
    version?: string;
    registry?: string;
    scan?: (image: FixtureImage) => ServiceRelease['scan'];
  } = {},
): string {
  const version = deriveVersion(`refs/tags/v${options.version ?? '1.0.0'}`, { sha: SHA });
  const manifest: ReleaseManifest = createReleaseManifest(
    {
      version: version.version,
      tags: version.tags,
      prerelease: version.prerelease,
      ref: version.ref,
      sha: SHA,
    },
    images.map((image) => ({
      name: image.name,
      image: `${options.registry ?? 'ghcr.io'}/alt-las/alt-las-${image.name}`,
      build: { archive: image.archive, digest: image.digest },
      scan: options.scan
        ? options.scan(image)
        : { verdict: 'pass', digest: image.digest, counts: { CRITICAL: 0 } },
    })),
  );
  const file = path.join(dir, `release-manifest-${Math.random().toString(36).slice(2, 8)}.json`);
  writeReleaseManifest(file, manifest);
  return file;
}

function skopeoAuth(registry: Registry): string[] {
  const args = [`--creds=${registry.username}:${registry.password}`];
  if (registry.certDir) args.push(`--cert-dir=${registry.certDir}`);
  else args.push('--tls-verify=false');
  return args;
}

/** The manifest digest skopeo (an independent client) sees for a ref. */
export async function skopeoDigest(registry: Registry, ref: string): Promise<string> {
  const { stdout: out } = await run('skopeo', ['inspect', ...skopeoAuth(registry), `docker://${ref}`]);
  return (JSON.parse(out) as { Digest: string }).Digest;
}

/** Copies a pushed ref into a local OCI archive with skopeo; returns the archive path. */
export async function skopeoCopyOut(registry: Registry, ref: string, file: string): Promise<string> {
  const args = [
    'copy',
    '--quiet',
    ...skopeoAuth(registry).map((a) => a.replace(/^--(creds|cert-dir|tls-verify)/, '--src-$1')),
  ];
  await run('skopeo', [...args, `docker://${ref}`, `oci-archive:${file}`]);
  return file;
}

/** Tags of a repository as skopeo lists them; empty when the repository does not exist. */
export async function skopeoTags(registry: Registry, repository: string): Promise<string[]> {
  try {
    const { stdout: out } = await run('skopeo', [
      'list-tags',
      ...skopeoAuth(registry),
      `docker://${repository}`,
    ]);
    return (JSON.parse(out) as { Tags: string[] }).Tags;
  } catch (error) {
    // A repository that was never pushed is the only "no tags" answer; anything else is a failure.
    if (
      /NAME_UNKNOWN|name unknown|manifest unknown|status code from registry 404/i.test(
        String((error as { stderr?: unknown }).stderr),
      )
    )
      return [];
    throw error;
  }
}

/** The log as people see it: the runner consumes `::add-mask::` commands instead of printing them. */
export function visibleLog(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}
