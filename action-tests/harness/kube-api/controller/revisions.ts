import { RESOURCE_TYPES } from '../resources';
import type { ObjectStore } from '../store';
import type { KubeObject, Scenario, ScenarioChooser } from '../types';
import { imagesOf, isOwnedBy, ownerReference, stableJson, templateHash } from './names';

const CONTROLLER_REVISION = RESOURCE_TYPES.find((t) => t.kind === 'ControllerRevision')!;

export const revisionsOf = (store: ObjectStore, owner: KubeObject) =>
  store
    .list(CONTROLLER_REVISION, owner.metadata.namespace)
    .filter((revision) => isOwnedBy(revision, owner))
    .sort((a, b) => a.revision - b.revision);

/**
 * The ControllerRevision for the owner's current template (StatefulSets and DaemonSets): created with
 * the next revision number, or, when an older revision holds the same template (a rollback), moved to
 * the next number as the real controllers do. Its data is the strategic merge patch that restores the
 * template, in the exact form `kubectl rollout undo` applies and compares.
 */
export function currentRevision(store: ObjectStore, owner: KubeObject): KubeObject {
  const hash = templateHash(owner.spec.template);
  const name = `${owner.metadata.name}-${hash}`;
  const revisions = revisionsOf(store, owner);
  const latest = revisions[revisions.length - 1];
  const existing = revisions.find((revision) => revision.metadata.name === name);
  if (existing && existing === latest) return existing;
  const next = (latest?.revision ?? 0) + 1;
  if (existing) return store.update(CONTROLLER_REVISION, { ...existing, revision: next });
  const template = { ...structuredClone(owner.spec.template), $patch: 'replace' };
  const created = store.create(CONTROLLER_REVISION, {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...owner.spec.selector?.matchLabels, 'controller.kubernetes.io/hash': hash },
      ownerReferences: [ownerReference(owner)],
    },
    data: JSON.parse(stableJson({ spec: { template } })),
    revision: next,
  });
  pruneRevisions(store, owner, created);
  return created;
}

function pruneRevisions(store: ObjectStore, owner: KubeObject, current: KubeObject): void {
  const limit = owner.spec.revisionHistoryLimit ?? 10;
  const old = revisionsOf(store, owner).filter((revision) => revision.metadata.uid !== current.metadata.uid);
  for (const revision of old.slice(0, Math.max(0, old.length - limit)))
    store.delete(CONTROLLER_REVISION, revision.metadata.namespace, revision.metadata.name);
}

/**
 * One scenario per rollout of a revisioned workload (StatefulSet, DaemonSet): the revision's name and
 * number identify it, so a revision that becomes current again (a rollback) draws a new one.
 */
export class RolloutScenarios {
  private readonly chosen = new Map<string, Scenario>();

  constructor(private readonly choose: ScenarioChooser) {}

  of(kind: string, set: KubeObject, revision: KubeObject): Scenario {
    const rollout = `${revision.metadata.name as string}#${revision.revision}`;
    let scenario = this.chosen.get(rollout);
    if (!scenario) {
      scenario = this.choose({
        kind,
        namespace: set.metadata.namespace,
        name: set.metadata.name,
        images: imagesOf(set.spec.template),
      });
      this.chosen.set(rollout, scenario);
    }
    return scenario;
  }
}
