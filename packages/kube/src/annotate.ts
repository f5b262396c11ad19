import { isWorkload, objectKey, podTemplate, type KubeObject } from './kube-object';

export const ANNOTATIONS = {
  version: 'alt-las.dev/release-version',
  gitSha: 'alt-las.dev/git-sha',
  runUrl: 'alt-las.dev/run-url',
} as const;

export interface ReleaseStamp {
  version?: string;
  gitSha?: string;
  runUrl?: string;
}

/**
 * Stamps workloads with the release they came from. Every workload object gets version, git sha and
 * run URL. The pod template gets the version only where this release pins an image (`released`, by
 * object key): each such revision then records its release, which `mode: rollback` looks up, while
 * re-running a release starts no rollout and third-party workloads (databases, monitoring) are not
 * restarted by every release.
 */
export function annotateWorkloads(
  objects: KubeObject[],
  stamp: ReleaseStamp,
  released: ReadonlySet<string>,
): void {
  const objectAnnotations: Record<string, string> = {};
  if (stamp.version) objectAnnotations[ANNOTATIONS.version] = stamp.version;
  if (stamp.gitSha) objectAnnotations[ANNOTATIONS.gitSha] = stamp.gitSha;
  if (stamp.runUrl) objectAnnotations[ANNOTATIONS.runUrl] = stamp.runUrl;
  for (const object of objects.filter(isWorkload)) {
    object.metadata.annotations = { ...object.metadata.annotations, ...objectAnnotations };
    const template = podTemplate(object);
    if (template && stamp.version && released.has(objectKey(object))) {
      template.metadata = {
        ...template.metadata,
        annotations: { ...template.metadata?.annotations, [ANNOTATIONS.version]: stamp.version },
      };
    }
  }
}

/**
 * The release the live workloads were stamped with, when they all agree: the version a failed
 * verification returns to. Undefined on a first install or when workloads run different releases.
 */
export function stampedVersion(live: KubeObject[]): string | undefined {
  const versions = new Set(
    live.filter(isWorkload).map((object) => object.metadata.annotations?.[ANNOTATIONS.version]),
  );
  const [only] = [...versions];
  return versions.size === 1 ? only : undefined;
}
