import { isWorkload, podTemplate, type KubeObject } from './kube-object';

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
 * Stamps workloads with the release they came from. The object gets version, git sha and run URL;
 * the pod template only the version, so re-running the same release starts no rollout while each
 * revision (ReplicaSet) still records which release it belongs to, which `mode: rollback` looks up.
 */
export function annotateWorkloads(objects: KubeObject[], stamp: ReleaseStamp): void {
  const objectAnnotations: Record<string, string> = {};
  if (stamp.version) objectAnnotations[ANNOTATIONS.version] = stamp.version;
  if (stamp.gitSha) objectAnnotations[ANNOTATIONS.gitSha] = stamp.gitSha;
  if (stamp.runUrl) objectAnnotations[ANNOTATIONS.runUrl] = stamp.runUrl;
  for (const object of objects.filter(isWorkload)) {
    object.metadata.annotations = { ...object.metadata.annotations, ...objectAnnotations };
    const template = podTemplate(object);
    if (template && stamp.version) {
      template.metadata = {
        ...template.metadata,
        annotations: { ...template.metadata?.annotations, [ANNOTATIONS.version]: stamp.version },
      };
    }
  }
}
