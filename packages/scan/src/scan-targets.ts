import * as path from 'node:path';
import { ConfigurationError } from '@alt-las/action-kit';
import { parseImageReference, type ReleaseManifest } from '@alt-las/release-model';

/** One image to scan: an OCI archive (`trivy image --input`) or a registry reference. */
export interface ScanTarget {
  /** Short name for logs, files and the SARIF category: the service name or the image's last path part. */
  name: string;
  /** Repository the findings belong to (fingerprints, baseline matching, annotations). */
  image: string;
  archive?: string;
  reference?: string;
  /** Manifest digest, when the release manifest recorded one. */
  digest?: string;
  /** The release manifest service this target came from. */
  service?: string;
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|oci)$/;

function archiveName(file: string): string {
  return path.basename(file).replace(ARCHIVE, '');
}

/** Targets from a release manifest: every service's build archive (a dry run may plan without them). */
export function targetsFromManifest(
  manifest: ReleaseManifest,
  source: string,
  allowUnbuilt: boolean,
): ScanTarget[] {
  const base = path.dirname(source);
  return manifest.services.map((service) => {
    if (!service.build?.archive && !allowUnbuilt) {
      throw new ConfigurationError(
        `release manifest ${source}: service "${service.name}" has no build.archive; run build-services (not in dry-run) before scanning`,
        'release-manifest',
      );
    }
    return {
      name: service.name,
      image: service.image,
      archive: service.build?.archive ? path.resolve(base, service.build.archive) : undefined,
      digest: service.build?.digest,
      service: service.name,
    };
  });
}

/** Targets from the `images` input: lines ending in .tar/.tar.gz/.tgz/.oci are archives, others references. */
export function targetsFromList(lines: string[], workspace: string): ScanTarget[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const isArchive = ARCHIVE.test(line) || line.startsWith('/') || line.startsWith('./');
    let target: ScanTarget;
    if (isArchive) {
      const archive = path.resolve(workspace, line);
      target = { name: archiveName(archive), image: archiveName(archive), archive };
    } else {
      if (/\s/.test(line))
        throw new ConfigurationError(
          `input "images": "${line}" is neither an archive path nor an image reference`,
          'images',
        );
      const ref = parseImageReference(line);
      target = {
        name: ref.path.split('/').pop()!,
        image: `${ref.registry}/${ref.path}`,
        reference: line,
        digest: ref.digest,
      };
    }
    // Two images with the same last path part still need their own report and SARIF category.
    const count = (seen.get(target.name) ?? 0) + 1;
    seen.set(target.name, count);
    if (count > 1) target.name = `${target.name}-${count}`;
    return target;
  });
}

/** Names a baseline report may be filed under for this target. */
export function targetAliases(target: ScanTarget): string[] {
  return [
    ...new Set([target.name, target.service, target.image.split('/').pop()].filter((a): a is string => !!a)),
  ];
}
