import { ConfigurationError } from '@alt-las/action-kit';
import { parseImageReference, type ReleaseManifest } from '@alt-las/release-model';
import { containersOf, objectKey, type SourcedObject } from './kube-object';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** An image the release pins: every container running `repository` gets `digest`. */
export interface ReleasedImage {
  /** The service name, or the repository for images given directly. */
  source: string;
  repository: string;
  /** Undefined only when planning a release that is not built yet: the digest comes at publish time. */
  digest?: string;
}

export interface PinnedImage {
  object: string;
  container: string;
  source: string;
  before: string;
  after: string;
  /** Planned only: the image keeps its tag until publish-ghcr has pushed it and knows the digest. */
  pending?: boolean;
}

/** `ghcr.io/o/x`, `localhost:5000/o/x`, `postgres` -> one comparable form (`docker.io/library/postgres`). */
export function normalizeRepository(reference: string): string {
  const parsed = parseImageReference(reference);
  return `${parsed.registry}/${parsed.path}`;
}

/**
 * The digest each released service was pushed with. When planning, the build digest stands in, and a
 * release planned before anything is built has no digest yet (its pins are reported as pending).
 */
export function releasedImagesFromManifest(
  manifest: ReleaseManifest,
  allowUnpublished: boolean,
): ReleasedImage[] {
  return manifest.services.map((service) => {
    const digest = service.publish?.digest ?? (allowUnpublished ? service.build?.digest : undefined);
    if (!digest && !allowUnpublished) {
      throw new ConfigurationError(
        `input "release-manifest": service "${service.name}" has no pushed digest (publish.digest); publish it before deploying`,
        'release-manifest',
      );
    }
    return { source: service.name, repository: normalizeRepository(service.image), digest };
  });
}

/** Lines `repository@sha256:<hex>` of the `images` input. */
export function parseImageLines(lines: string[]): ReleasedImage[] {
  return lines.map((line) => {
    const at = line.lastIndexOf('@');
    const digest = at > 0 ? line.slice(at + 1) : '';
    if (!DIGEST.test(digest)) {
      throw new ConfigurationError(
        `input "images": "${line}" is not of the form repository@sha256:<64 hex digits>`,
        'images',
      );
    }
    return { source: line.slice(0, at), repository: normalizeRepository(line.slice(0, at)), digest };
  });
}

function withDigest(image: string, digest: string): string {
  const at = image.indexOf('@');
  return `${at >= 0 ? image.slice(0, at) : image}@${digest}`;
}

export interface PinResult {
  pins: PinnedImage[];
  /** Images outside the release's own registry namespaces still on a tag (reported, not refused). */
  unpinnedThirdParty: string[];
}

const namespaceOf = (repository: string) => repository.slice(0, repository.lastIndexOf('/') + 1);

/**
 * Pins every container image to a digest by exact repository match. It refuses, before anything is
 * applied, a released image the manifests never run, and any image in the release's own registry
 * namespace (where the released images live) left on a mutable tag. Third-party images on a tag
 * are listed so the summary shows them; giving their digests in `images` pins them too.
 */
export function pinImages(objects: SourcedObject[], released: ReleasedImage[]): PinResult {
  const byRepository = new Map<string, ReleasedImage>();
  for (const image of released) {
    const existing = byRepository.get(image.repository);
    if (existing && existing.digest !== image.digest) {
      throw new ConfigurationError(
        `${image.repository} is pinned twice with different digests (${existing.source} and ${image.source})`,
        'images',
      );
    }
    byRepository.set(image.repository, image);
  }
  const used = new Set<string>();
  const ownNamespaces = new Set(released.map((image) => namespaceOf(image.repository)));
  const unpinned: string[] = [];
  const unpinnedThirdParty: string[] = [];
  const pins: PinnedImage[] = [];
  for (const { object, file, line } of objects) {
    for (const container of containersOf(object)) {
      if (typeof container.image !== 'string' || container.image === '') {
        unpinned.push(
          `${file}:${line}: ${object.kind} "${object.metadata.name}" container "${container.name}" has no image`,
        );
        continue;
      }
      const match = byRepository.get(normalizeRepository(container.image));
      if (match) {
        used.add(match.repository);
        const after = match.digest ? withDigest(container.image, match.digest) : container.image;
        pins.push({
          object: objectKey(object),
          container: container.name,
          source: match.source,
          before: container.image,
          after,
          ...(match.digest ? {} : { pending: true }),
        });
        container.image = after;
      } else if (!parseImageReference(container.image).digest) {
        if (!ownNamespaces.has(namespaceOf(normalizeRepository(container.image)))) {
          unpinnedThirdParty.push(
            `${object.kind}/${object.metadata.name} ${container.name}: ${container.image}`,
          );
          continue;
        }
        unpinned.push(
          `${file}:${line}: ${object.kind} "${object.metadata.name}" container "${container.name}" runs the mutable tag ${container.image}`,
        );
      }
    }
  }
  const missing = [...byRepository.values()].filter((image) => !used.has(image.repository));
  const problems = [
    ...missing.map(
      (image) =>
        `released image ${image.repository} (${image.source}) is not run by any container in the manifests`,
    ),
    ...unpinned.map((text) => `${text}; give its digest in input "images" or the release manifest`),
  ];
  if (problems.length > 0) {
    throw new ConfigurationError(`cannot pin every image by digest:\n${problems.join('\n')}`, 'manifests');
  }
  return { pins, unpinnedThirdParty };
}
