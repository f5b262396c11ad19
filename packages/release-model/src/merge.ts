import { ConfigurationError } from '@alt-las/action-kit';
import { createReleaseManifest, type ReleaseManifest, type ServiceRelease } from './release-manifest';

export interface ManifestFragment {
  source: string;
  manifest: ReleaseManifest;
}

/**
 * Deep-merges two values; equal leaves merge, objects merge key by key, and any other difference is a
 * conflict reported with its path (arrays are leaves: two legs listing different tags is a conflict).
 */
function mergeValues(
  left: unknown,
  right: unknown,
  at: string,
  conflict: (at: string, a: unknown, b: unknown) => never,
): unknown {
  if (left === undefined) return right;
  if (right === undefined) return left;
  const isObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject(left) && isObject(right)) {
    const result: Record<string, unknown> = { ...(left as object) };
    for (const [key, value] of Object.entries(right as object)) {
      result[key] = mergeValues(result[key], value, at ? `${at}.${key}` : key, conflict);
    }
    return result;
  }
  if (JSON.stringify(left) !== JSON.stringify(right)) conflict(at, left, right);
  return left;
}

/**
 * Merges the manifest fragments written by matrix legs (one or more services each) into one manifest.
 * Fragments must describe the same release; a service in several fragments must agree field by field.
 */
export function mergeReleaseManifests(fragments: ManifestFragment[]): ReleaseManifest {
  if (fragments.length === 0)
    throw new ConfigurationError('no release manifest fragments to merge', 'release-manifest');
  const first = fragments[0];
  let release = first!.manifest.release;
  const services = new Map<string, { entry: ServiceRelease; source: string }>();
  for (const { source, manifest } of fragments) {
    if (manifest.release.version !== first!.manifest.release.version) {
      throw new ConfigurationError(
        `${source}: release version ${manifest.release.version} conflicts with ${first!.manifest.release.version} in ${first!.source}`,
        'release-manifest',
      );
    }
    if (manifest !== first!.manifest) {
      release = mergeValues(release, manifest.release, 'release', (at, a, b) => {
        throw new ConfigurationError(
          `${source}: ${at} is ${JSON.stringify(b)} but ${first!.source} says ${JSON.stringify(a)}`,
          'release-manifest',
        );
      }) as ReleaseManifest['release'];
    }
    for (const service of manifest.services) {
      const existing = services.get(service.name);
      if (!existing) {
        services.set(service.name, { entry: service, source });
        continue;
      }
      const merged = mergeValues(existing.entry, service, '', (at, a, b) => {
        throw new ConfigurationError(
          `${source}: service "${service.name}" ${at} is ${JSON.stringify(b)} but ${existing.source} says ${JSON.stringify(a)}`,
          'release-manifest',
        );
      }) as ServiceRelease;
      services.set(service.name, { entry: merged, source: existing.source });
    }
  }
  return createReleaseManifest(
    release,
    [...services.values()].map(({ entry }) => entry),
  );
}
