import { KNOWN_KINDS } from './kinds';
import { objectKey, type KubeObject } from './kube-object';
import type { Kubectl } from './kubectl';

/** Marks every object this action applies, so a later run can find the ones that left the manifests. */
export const MANAGED_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_VALUE = 'alt-las-k8s-deploy';

export function labelManaged(objects: KubeObject[]): void {
  for (const object of objects)
    object.metadata.labels = { ...object.metadata.labels, [MANAGED_LABEL]: MANAGED_VALUE };
}

/**
 * Deletes objects this action applied earlier that are no longer in the manifests. Only namespaced
 * kinds present in this release are considered, so an object of a kind the release never had, or
 * one applied by anything else, is never touched.
 */
export async function pruneObjects(
  planned: KubeObject[],
  deps: { kubectl: Kubectl; dryRun?: boolean },
): Promise<string[]> {
  const wanted = new Set(planned.map(objectKey));
  const pruned: string[] = [];
  const namespaces = [
    ...new Set(planned.map((object) => object.metadata.namespace).filter((name): name is string => !!name)),
  ];
  for (const namespace of namespaces) {
    const kinds = [
      ...new Set(
        planned.filter((object) => object.metadata.namespace === namespace).map((object) => object.kind),
      ),
    ].filter((kind) => KNOWN_KINDS[kind]?.namespaced);
    if (kinds.length === 0) continue;
    const live = await deps.kubectl.json<{ items: KubeObject[] }>([
      'get',
      kinds.map((kind) => kind.toLowerCase()).join(','),
      '-n',
      namespace,
      '-l',
      `${MANAGED_LABEL}=${MANAGED_VALUE}`,
    ]);
    const stale = live.items
      .filter((object) => !wanted.has(objectKey({ ...object, metadata: { ...object.metadata, namespace } })))
      .map((object) => `${object.kind.toLowerCase()}/${object.metadata.name}`);
    if (stale.length > 0 && !deps.dryRun)
      await deps.kubectl.run(['delete', '-n', namespace, '--wait=false', ...stale]);
    pruned.push(...stale.map((name) => (namespaces.length > 1 ? `${namespace}/${name}` : name)));
  }
  return pruned;
}
