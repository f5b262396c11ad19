import { ConfigurationError } from '@alt-las/action-kit';
import { stringify } from 'yaml';
import { ANNOTATIONS } from './annotate';
import { isWorkload, objectKey, type KubeObject } from './kube-object';
import type { Kubectl } from './kubectl';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** A workload as it was before this run changed it; `live` is absent for a first install. */
export interface RecordedWorkload {
  key: string;
  revision: string | null;
  generation?: number;
  live?: KubeObject;
}

/** Deployment revision number, StatefulSet controller revision, DaemonSet generation. */
export function revisionOf(object: KubeObject | undefined): string | null {
  if (!object) return null;
  const status = (object.status ?? {}) as { currentRevision?: string; updateRevision?: string };
  if (object.kind === 'Deployment') return object.metadata.annotations?.[REVISION_ANNOTATION] ?? null;
  if (object.kind === 'StatefulSet') return status.updateRevision ?? status.currentRevision ?? null;
  return object.metadata.generation !== undefined ? String(object.metadata.generation) : null;
}

/** Records every workload's current state before anything is applied. */
export function recordWorkloads(planned: KubeObject[], live: KubeObject[]): Map<string, RecordedWorkload> {
  const byKey = new Map(live.map((object) => [objectKey(object), object]));
  const records = new Map<string, RecordedWorkload>();
  for (const workload of planned.filter(isWorkload)) {
    const key = objectKey(workload);
    const current = byKey.get(key);
    records.set(key, {
      key,
      revision: revisionOf(current),
      generation: current?.metadata.generation,
      live: current,
    });
  }
  return records;
}

/** A live object turned back into an apply configuration: server-managed fields dropped. */
export function applyableCopy(live: KubeObject, template?: unknown): KubeObject {
  const annotations = { ...live.metadata.annotations };
  delete annotations[REVISION_ANNOTATION];
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  const spec = { ...(live.spec as Record<string, unknown>) };
  if (template !== undefined) spec.template = template;
  return {
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: {
      name: live.metadata.name,
      namespace: live.metadata.namespace,
      ...(live.metadata.labels ? { labels: live.metadata.labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec,
  };
}

/**
 * Rolls workloads back by re-applying their recorded specs with the same field manager (forced),
 * so this action keeps owning the fields and the next release applies without conflicts. The
 * controller then returns to the previous revision's ReplicaSet or controller revision.
 */
export async function restoreWorkloads(
  objects: KubeObject[],
  deps: { kubectl: Kubectl; fieldManager: string },
): Promise<void> {
  if (objects.length === 0) return;
  await deps.kubectl.apply(objects.map((object) => stringify(object)).join('---\n'), {
    serverSide: true,
    fieldManager: deps.fieldManager,
    forceConflicts: true,
  });
}

interface OwnedRevision {
  owner: string;
  revision: number;
  version?: string;
  template: Record<string, unknown>;
}

const owners = (object: KubeObject) =>
  ((object.metadata.ownerReferences ?? []) as { uid?: string }[]).map((reference) => reference.uid);

/** The earlier revisions of each Deployment (ReplicaSets) and StatefulSet (ControllerRevisions). */
async function revisionHistory(
  kubectl: Kubectl,
  namespace: string,
  kinds: Set<string>,
): Promise<OwnedRevision[]> {
  const history: OwnedRevision[] = [];
  if (kinds.has('Deployment')) {
    const sets = await kubectl.json<{ items: KubeObject[] }>(['get', 'replicasets', '-n', namespace]);
    for (const set of sets.items) {
      const template = JSON.parse(JSON.stringify((set.spec as { template?: unknown }).template ?? {})) as {
        metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      };
      delete template.metadata?.labels?.['pod-template-hash'];
      for (const owner of owners(set)) {
        history.push({
          owner: owner ?? '',
          revision: Number(set.metadata.annotations?.[REVISION_ANNOTATION] ?? 0),
          version: template.metadata?.annotations?.[ANNOTATIONS.version],
          template: template as Record<string, unknown>,
        });
      }
    }
  }
  if (kinds.has('StatefulSet')) {
    const revisions = await kubectl.json<{
      items: (KubeObject & { revision?: number; data?: { spec?: { template?: Record<string, unknown> } } })[];
    }>(['get', 'controllerrevisions', '-n', namespace]);
    for (const revision of revisions.items) {
      const template = revision.data?.spec?.template;
      if (!template) continue;
      delete (template as { $patch?: string }).$patch;
      const annotations = (template.metadata as { annotations?: Record<string, string> } | undefined)
        ?.annotations;
      for (const owner of owners(revision))
        history.push({
          owner: owner ?? '',
          revision: revision.revision ?? 0,
          version: annotations?.[ANNOTATIONS.version],
          template,
        });
    }
  }
  return history;
}

/**
 * For `mode: rollback`: each workload of the namespace as it was at `target`, a revision number or a
 * release version (matched against the version stamped on each revision's pod template).
 */
export async function planRollback(
  kubectl: Kubectl,
  namespace: string,
  target: string,
): Promise<{ objects: KubeObject[]; skipped: string[] }> {
  const byRevision = /^\d+$/.test(target);
  const version = target.replace(/^v/, '');
  const workloads = [
    ...(await kubectl.json<{ items: KubeObject[] }>(['get', 'deployments', '-n', namespace])).items.map(
      (o) => ({ ...o, kind: 'Deployment', apiVersion: 'apps/v1' }),
    ),
    ...(await kubectl.json<{ items: KubeObject[] }>(['get', 'statefulsets', '-n', namespace])).items.map(
      (o) => ({ ...o, kind: 'StatefulSet', apiVersion: 'apps/v1' }),
    ),
  ];
  if (workloads.length === 0)
    throw new ConfigurationError(
      `input "rollback-to": namespace ${namespace} has no workloads to roll back`,
      'rollback-to',
    );
  const history = await revisionHistory(
    kubectl,
    namespace,
    new Set(workloads.map((workload) => workload.kind)),
  );
  const objects: KubeObject[] = [];
  const skipped: string[] = [];
  for (const workload of workloads) {
    const candidates = history
      .filter((entry) => entry.owner === workload.metadata.uid)
      .filter((entry) => (byRevision ? entry.revision === Number(target) : entry.version === version))
      .sort((a, b) => b.revision - a.revision);
    if (candidates[0]) objects.push(applyableCopy(workload, candidates[0].template));
    else skipped.push(`${workload.kind}/${workload.metadata.name}`);
  }
  if (objects.length === 0) {
    throw new ConfigurationError(
      `input "rollback-to": no workload in ${namespace} has ${byRevision ? `revision ${target}` : `a revision of release ${version}`} in its history`,
      'rollback-to',
    );
  }
  return { objects, skipped };
}
