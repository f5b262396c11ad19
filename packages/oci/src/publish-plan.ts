import { ConfigurationError } from '@alt-las/action-kit';
import {
  compareSemver,
  highestRelease,
  imageRepository,
  isValidTag,
  parseSemver,
  type ReleaseInfo,
  type ServiceRelease,
} from '@alt-las/release-model';
import { readOciArchive, type OciArchive } from './archive';

export type LatestMode = 'auto' | 'true' | 'false';

/** The repository an image goes to: the registry and namespace of this push, the image's own name. */
export function targetRepository(service: ServiceRelease, host: string, namespace: string): string {
  const name = service.image.split('/').pop()!;
  return imageRepository(host, namespace, name);
}

/**
 * Opens a service's archive and refuses it unless it is exactly what was built (and, with
 * `requireScan`, what passed the scan). Runs before any network access.
 */
export function openScannedArchive(service: ServiceRelease, requireScan: boolean): OciArchive {
  const build = service.build;
  if (!build) {
    throw new ConfigurationError(
      `service "${service.name}" has no build in the release manifest; run build-services first`,
      'release-manifest',
    );
  }
  const archive = readOciArchive(build.archive);
  if (archive.manifestDigest !== build.digest) {
    throw new ConfigurationError(
      `service "${service.name}": archive ${build.archive} holds ${archive.manifestDigest}, but the release manifest built ${build.digest}; the archive changed after the build`,
      'release-manifest',
    );
  }
  if (requireScan) {
    const scan = service.scan;
    if (!scan) {
      throw new ConfigurationError(
        `service "${service.name}" has no scan verdict; run trivy-gate first or set require-scan: false`,
        'require-scan',
      );
    }
    if (scan.verdict !== 'pass') {
      throw new ConfigurationError(
        `service "${service.name}" did not pass its scan (verdict: ${scan.verdict}); refusing to publish it`,
        'require-scan',
      );
    }
    if (scan.digest && scan.digest !== archive.manifestDigest) {
      throw new ConfigurationError(
        `service "${service.name}": the scan passed ${scan.digest}, but the archive is ${archive.manifestDigest}; refusing to publish an unscanned image`,
        'require-scan',
      );
    }
  }
  return archive;
}

/** The release's tags plus extra ones, without `latest` (decided separately), each checked. */
export function releaseTags(release: ReleaseInfo, extraTags: string[]): string[] {
  const tags = [...new Set([...release.tags, ...extraTags])].filter((tag) => tag !== 'latest');
  for (const tag of extraTags) {
    if (!isValidTag(tag)) {
      throw new ConfigurationError(
        `input "tags": "${tag}" is not a valid tag; expected letters, digits, _ . - (up to 128, not starting with . or -)`,
        'tags',
      );
    }
  }
  for (const tag of tags) {
    if (!isValidTag(tag))
      throw new ConfigurationError(`release manifest tag "${tag}" is not a valid tag`, 'release-manifest');
  }
  return tags;
}

/**
 * `auto`: tag latest only for a release (not a prerelease) at least as high as every released
 * version already in the registry; `true`/`false` force it.
 */
export function wantsLatest(version: string, mode: LatestMode, registryTags: string[]): boolean {
  if (mode !== 'auto') return mode === 'true';
  const semver = parseSemver(version);
  if (!semver || semver.prerelease.length > 0) return false;
  const highest = highestRelease(registryTags);
  return highest === undefined || compareSemver(semver, highest) >= 0;
}
