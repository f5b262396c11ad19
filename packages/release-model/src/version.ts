import { ConfigurationError } from '@alt-las/action-kit';

/** SemVer 2.0.0 with an optional leading `v`; build metadata is accepted and dropped from tags. */
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  build?: string;
}

export function parseSemver(text: string): SemVer | undefined {
  const match = SEMVER.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4] ? match[4].split('.') : [],
    build: match[5],
  };
}

export function formatSemver(version: SemVer): string {
  const core = `${version.major}.${version.minor}.${version.patch}`;
  return version.prerelease.length > 0 ? `${core}-${version.prerelease.join('.')}` : core;
}

/** SemVer precedence (build metadata ignored). */
export function compareSemver(a: SemVer, b: SemVer): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] - b[key];
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return b.prerelease.length - a.prerelease.length;
  }
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const left = a.prerelease[i];
    const right = b.prerelease[i];
    if (left === undefined) return -1;
    if (right === undefined) return 1;
    if (left === right) continue;
    const leftNumeric = /^\d+$/.test(left);
    const rightNumeric = /^\d+$/.test(right);
    if (leftNumeric && rightNumeric) return Number(left) - Number(right);
    if (leftNumeric) return -1;
    if (rightNumeric) return 1;
    return left < right ? -1 : 1;
  }
  return 0;
}

/** The highest released (non-prerelease) version among tag names; ignores tags that are not versions. */
export function highestRelease(tags: string[]): SemVer | undefined {
  return tags
    .map(parseSemver)
    .filter((version): version is SemVer => version !== undefined && version.prerelease.length === 0)
    .sort(compareSemver)
    .pop();
}

export interface ReleaseVersion {
  /** `1.2.3`, `1.2.3-rc.1`, or `sha-abc1234` for a build that is not from a version tag. */
  version: string;
  semver?: SemVer;
  prerelease: boolean;
  /** Image tags in the order they should be written: most specific first. */
  tags: string[];
  /** The git ref the version came from. */
  ref: string;
}

export interface DeriveOptions {
  /** Commit SHA; gives the `sha-<7>` tag. */
  sha?: string;
  /** Highest version already released (e.g. from the registry's tags); `latest` only if this one is >= it. */
  highestReleased?: string;
  /** Force `latest` on or off instead of the rule. */
  latest?: boolean;
}

/**
 * Derives the release version and image tags from a git ref: `v1.2.3` -> 1.2.3, 1.2, 1 (+ latest when it
 * is the highest release, + sha-<7>); a prerelease tags only itself (+ sha); a branch or other ref gives
 * `sha-<7>` only. A tag that looks like a version but is not valid semver is an error, not a silent fallback.
 */
export function deriveVersion(ref: string, options: DeriveOptions = {}): ReleaseVersion {
  const shaTag = options.sha ? shaTagFor(options.sha) : undefined;
  const tagName = ref.startsWith('refs/tags/')
    ? ref.slice('refs/tags/'.length)
    : ref.startsWith('refs/')
      ? undefined
      : ref;
  if (tagName === undefined) {
    if (!shaTag)
      throw new ConfigurationError(
        `ref "${ref}" is not a version tag and no commit SHA was given for a sha- tag`,
        'version',
      );
    return { version: shaTag, prerelease: true, tags: [shaTag], ref };
  }
  const semver = parseSemver(tagName);
  if (!semver) {
    throw new ConfigurationError(
      `tag "${tagName}" is not a semantic version; expected v<major>.<minor>.<patch>[-prerelease][+build], e.g. v1.2.3`,
      'version',
    );
  }
  const version = formatSemver(semver);
  const tags = [version];
  const prerelease = semver.prerelease.length > 0;
  if (!prerelease) {
    tags.push(`${semver.major}.${semver.minor}`, `${semver.major}`);
    if (isLatest(semver, options)) tags.push('latest');
  }
  if (shaTag) tags.push(shaTag);
  return { version, semver, prerelease, tags, ref };
}

function isLatest(semver: SemVer, options: DeriveOptions): boolean {
  if (options.latest !== undefined) return options.latest;
  if (options.highestReleased === undefined) return false;
  const highest = parseSemver(options.highestReleased);
  return highest === undefined || compareSemver(semver, highest) >= 0;
}

export function shaTagFor(sha: string): string {
  if (!/^[0-9a-f]{7,40}$/i.test(sha)) throw new ConfigurationError(`"${sha}" is not a git commit SHA`, 'sha');
  return `sha-${sha.slice(0, 7).toLowerCase()}`;
}

/** OCI tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
export function isValidTag(tag: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag);
}
