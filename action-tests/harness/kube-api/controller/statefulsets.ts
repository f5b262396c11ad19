import { RESOURCE_TYPES } from '../resources';
import type { ObjectStore } from '../store';
import type { KubeObject, Scenario, ScenarioChooser } from '../types';
import { recordEvent } from './events';
import { isPodReady } from './pod-status';
import type { PodSimulator } from './pods';
import { currentRevision, RolloutScenarios } from './revisions';

const STATEFUL_SET = RESOURCE_TYPES.find((t) => t.kind === 'StatefulSet')!;
const PVC = RESOURCE_TYPES.find((t) => t.kind === 'PersistentVolumeClaim')!;
const REVISION_LABEL = 'controller-revision-hash';

const ordinalOf = (pod: KubeObject, set: KubeObject) =>
  Number(pod.metadata.name.slice(set.metadata.name.length + 1));

/**
 * The StatefulSet controller: pods `<name>-<ordinal>` created in order, each only once the previous
 * one is running and ready (OrderedReady), updated from the highest ordinal down, one at a time, with
 * ControllerRevisions as the history. Like the real one, a rollout stuck on a broken pod stays stuck
 * after the template is reverted until that pod is deleted (with Parallel pod management it is not).
 */
export class StatefulSetController {
  private readonly scenarios: RolloutScenarios;

  constructor(
    private readonly store: ObjectStore,
    private readonly pods: PodSimulator,
    chooseScenario: ScenarioChooser,
  ) {
    this.scenarios = new RolloutScenarios(chooseScenario);
  }

  reconcileAll(): void {
    for (const set of this.store.list(STATEFUL_SET)) this.reconcile(set);
  }

  reconcile(set: KubeObject): void {
    const revision = currentRevision(this.store, set);
    const updateRevision = revision.metadata.name as string;
    const scenario = this.scenarios.of('StatefulSet', set, revision);
    const desired = set.spec.replicas ?? 1;
    const monotonic = set.spec.podManagementPolicy !== 'Parallel';
    let pods = this.pods
      .ownedBy(set)
      .map((pod) => this.pods.advance(pod))
      .sort((a, b) => ordinalOf(a, set) - ordinalOf(b, set));
    for (const pod of pods.filter((p) => ordinalOf(p, set) >= desired)) this.pods.delete(pod);
    pods = pods.filter((p) => ordinalOf(p, set) < desired);

    const step = () => {
      for (let ordinal = 0; ordinal < desired; ordinal++) {
        const pod = pods.find((p) => ordinalOf(p, set) === ordinal);
        if (!pod) {
          this.createPod(set, ordinal, updateRevision, scenario);
          return;
        }
        if (monotonic && !isPodReady(pod)) return;
      }
      for (const pod of [...pods].reverse()) {
        if (pod.metadata.labels?.[REVISION_LABEL] !== updateRevision) {
          this.pods.delete(pod);
          recordEvent(
            this.store,
            set,
            'Normal',
            'SuccessfulDelete',
            `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
            'statefulset-controller',
          );
          return;
        }
        if (!isPodReady(pod)) return;
      }
    };
    step();
    this.writeStatus(set, updateRevision);
  }

  private createPod(set: KubeObject, ordinal: number, revision: string, scenario: Scenario): void {
    const name = `${set.metadata.name}-${ordinal}`;
    for (const claim of (set.spec.volumeClaimTemplates ?? []) as KubeObject[]) {
      const claimName = `${claim.metadata?.name}-${name}`;
      if (!this.store.get(PVC, set.metadata.namespace, claimName))
        this.store.create(PVC, {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: claimName,
            namespace: set.metadata.namespace,
            labels: set.spec.selector?.matchLabels,
          },
          spec: {
            volumeMode: 'Filesystem',
            storageClassName: 'standard',
            ...claim.spec,
            volumeName: `pvc-${claimName}`,
          },
          status: {
            phase: 'Bound',
            accessModes: claim.spec?.accessModes,
            capacity: claim.spec?.resources?.requests,
          },
        });
    }
    const template = structuredClone(set.spec.template);
    this.pods.create(
      set,
      template,
      name,
      {
        [REVISION_LABEL]: revision,
        'statefulset.kubernetes.io/pod-name': name,
        'apps.kubernetes.io/pod-index': String(ordinal),
      },
      scenario,
    );
    recordEvent(
      this.store,
      set,
      'Normal',
      'SuccessfulCreate',
      `create Pod ${name} in StatefulSet ${set.metadata.name} successful`,
      'statefulset-controller',
    );
  }

  private writeStatus(set: KubeObject, updateRevision: string): void {
    const fresh = this.store.get(STATEFUL_SET, set.metadata.namespace, set.metadata.name);
    if (!fresh) return;
    const pods = this.pods.ownedBy(set);
    const desired = set.spec.replicas ?? 1;
    const ready = pods.filter(isPodReady).length;
    const updated = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
    const done = updated === desired && ready === desired && pods.length === desired;
    const currentRevision = done ? updateRevision : (fresh.status?.currentRevision ?? updateRevision);
    const status = {
      observedGeneration: fresh.metadata.generation,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length,
      updatedReplicas: updated,
      currentRevision,
      updateRevision,
      collisionCount: 0,
      availableReplicas: ready,
    };
    if (JSON.stringify(status) !== JSON.stringify(fresh.status))
      this.store.update(STATEFUL_SET, { ...fresh, status });
  }
}
