import { RESOURCE_TYPES } from '../resources';
import type { ObjectStore } from '../store';
import type { KubeObject, ScenarioChooser } from '../types';
import { isPodReady } from './pod-status';
import type { PodSimulator } from './pods';
import { currentRevision, RolloutScenarios } from './revisions';

const DAEMON_SET = RESOURCE_TYPES.find((t) => t.kind === 'DaemonSet')!;
const REVISION_LABEL = 'controller-revision-hash';

/** The DaemonSet controller on the stand-in's single node: one pod, replaced when the template changes. */
export class DaemonSetController {
  private readonly scenarios: RolloutScenarios;

  constructor(
    private readonly store: ObjectStore,
    private readonly pods: PodSimulator,
    chooseScenario: ScenarioChooser,
  ) {
    this.scenarios = new RolloutScenarios(chooseScenario);
  }

  reconcileAll(): void {
    for (const set of this.store.list(DAEMON_SET)) this.reconcile(set);
  }

  reconcile(set: KubeObject): void {
    const controllerRevision = currentRevision(this.store, set);
    const revision = controllerRevision.metadata.name as string;
    const scenario = this.scenarios.of('DaemonSet', set, controllerRevision);
    let pods = this.pods.ownedBy(set).map((pod) => this.pods.advance(pod));
    for (const pod of pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== revision))
      this.pods.delete(pod);
    pods = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === revision);
    if (pods.length === 0)
      pods = [
        this.pods.create(
          set,
          structuredClone(set.spec.template),
          undefined,
          { [REVISION_LABEL]: revision },
          scenario,
        ),
      ];
    const ready = pods.filter(isPodReady).length;
    const fresh = this.store.get(DAEMON_SET, set.metadata.namespace, set.metadata.name);
    if (!fresh) return;
    const status = {
      currentNumberScheduled: pods.length,
      desiredNumberScheduled: 1,
      numberMisscheduled: 0,
      numberReady: ready,
      numberAvailable: ready,
      ...(ready < 1 ? { numberUnavailable: 1 - ready } : {}),
      observedGeneration: fresh.metadata.generation,
      updatedNumberScheduled: pods.length,
    };
    if (JSON.stringify(status) !== JSON.stringify(fresh.status))
      this.store.update(DAEMON_SET, { ...fresh, status });
  }
}
