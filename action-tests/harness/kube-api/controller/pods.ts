import { RESOURCE_TYPES } from '../resources';
import type { ObjectStore, StoredEvent } from '../store';
import type { KubeObject, Scenario } from '../types';
import { recordEvent } from './events';
import { ownerReference, randomSuffix } from './names';
import { podStatus, SETTLED_AFTER, succeededStatus } from './pod-status';

const POD_TYPE = RESOURCE_TYPES.find((t) => t.kind === 'Pod')!;
export const NODE_NAME = 'standin-node';

interface PodLife {
  born: number;
  scenario: Scenario;
  /** Set when a Job's pod has run to completion. */
  succeeded?: boolean;
  /** The pod reached the final state of its scenario. */
  settled?: boolean;
}

/**
 * The kubelet and scheduler of the stand-in: creates pods from templates and moves each one through
 * the states of its scenario, one controller step at a time, recording the events a real node would.
 */
const controllerOf = (pod: KubeObject): string | undefined =>
  ((pod.metadata.ownerReferences ?? []) as KubeObject[]).find((ref) => ref.controller)?.uid;

export class PodSimulator {
  private readonly lives = new Map<string, PodLife>();
  /** Pods by controller uid, then pod uid; kept current from store events (see `observe`). */
  private readonly owned = new Map<string, Map<string, KubeObject>>();
  /** Pods without a controlling owner, by uid. */
  private readonly unowned = new Map<string, KubeObject>();

  constructor(
    private readonly store: ObjectStore,
    private readonly now: () => number,
  ) {}

  create(
    owner: KubeObject,
    template: KubeObject,
    name: string | undefined,
    labels: Record<string, string>,
    scenario: Scenario,
  ): KubeObject {
    const namespace = owner.metadata.namespace;
    const pod = this.store.create(POD_TYPE, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: name ?? `${owner.metadata.name}-${randomSuffix()}`,
        ...(name ? {} : { generateName: `${owner.metadata.name}-` }),
        namespace,
        labels: { ...template.metadata?.labels, ...labels },
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ownerReferences: [ownerReference(owner)],
      },
      spec: {
        ...structuredClone(template.spec),
        ...(scenario === 'unschedulable' ? {} : { nodeName: NODE_NAME }),
      },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    });
    this.lives.set(pod.metadata.uid, { born: this.now(), scenario });
    if (scenario !== 'unschedulable')
      recordEvent(
        this.store,
        pod,
        'Normal',
        'Scheduled',
        `Successfully assigned ${namespace}/${pod.metadata.name} to ${NODE_NAME}`,
        'default-scheduler',
      );
    return this.advance(pod);
  }

  delete(pod: KubeObject): void {
    if (this.store.get(POD_TYPE, pod.metadata.namespace, pod.metadata.name))
      this.store.delete(POD_TYPE, pod.metadata.namespace, pod.metadata.name);
  }

  /**
   * Follows the store's pod events (all of them, the controller's own writes included), so the
   * index is current without rescanning the store on every pass. The event objects are shared and
   * never modified.
   */
  observe(event: StoredEvent): void {
    const pod = event.object;
    const uid = pod.metadata.uid as string;
    const owner = controllerOf(pod);
    let pods = this.unowned;
    if (owner) {
      pods = this.owned.get(owner) ?? new Map();
      this.owned.set(owner, pods);
    }
    if (event.type === 'DELETED') {
      pods.delete(uid);
      this.lives.delete(uid);
      if (owner && pods.size === 0) this.owned.delete(owner);
    } else pods.set(uid, pod);
  }

  /** The pods `owner` controls. */
  ownedBy(owner: KubeObject): KubeObject[] {
    return [...(this.owned.get(owner.metadata.uid)?.values() ?? [])];
  }

  /**
   * Runs pods created directly (no controlling owner), like a kubelet would: scheduled on first
   * sight with a scenario of their own, then advanced every step.
   */
  runStandalone(choose: (pod: KubeObject) => Scenario): void {
    for (let pod of [...this.unowned.values()]) {
      if (!this.lives.has(pod.metadata.uid)) {
        const scenario = choose(pod);
        this.lives.set(pod.metadata.uid, { born: this.now(), scenario });
        if (scenario !== 'unschedulable') {
          pod = this.store.update(POD_TYPE, {
            ...pod,
            spec: { ...pod.spec, nodeName: pod.spec.nodeName ?? NODE_NAME },
          });
          recordEvent(
            this.store,
            pod,
            'Normal',
            'Scheduled',
            `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`,
            'default-scheduler',
          );
        }
      }
      this.advance(pod);
    }
  }

  /** Moves a pod to the state its scenario has reached; returns the stored pod. */
  advance(pod: KubeObject): KubeObject {
    const life = this.lives.get(pod.metadata.uid) ?? { born: this.now(), scenario: 'success' as Scenario };
    this.lives.set(pod.metadata.uid, life);
    // A pod in its final state is not recomputed (most pods of a big release, most of the time).
    if (life.settled) return pod;
    const age = this.now() - life.born;
    const status = life.succeeded ? succeededStatus(pod) : podStatus(pod, life.scenario, age);
    if (JSON.stringify(status) === JSON.stringify(pod.status)) {
      life.settled = age >= SETTLED_AFTER[life.scenario];
      return pod;
    }
    this.recordTransition(pod, status, life.scenario);
    life.settled = life.succeeded === true;
    return this.store.update(POD_TYPE, { ...pod, status });
  }

  /** A Job's pod that was running and ready exits 0. */
  succeed(pod: KubeObject): KubeObject {
    const life = this.lives.get(pod.metadata.uid);
    if (life) life.succeeded = true;
    return this.advance(pod);
  }

  private recordTransition(pod: KubeObject, status: KubeObject, scenario: Scenario): void {
    const before = reasonOf(pod.status);
    const after = reasonOf(status);
    const restarts = (s: KubeObject | undefined) => s?.containerStatuses?.[0]?.restartCount ?? 0;
    if (before === after && restarts(pod.status) === restarts(status)) return;
    const containers = (pod.spec.containers ?? []) as KubeObject[];
    const event = (type: 'Normal' | 'Warning', reason: string, message: string, component = 'kubelet') =>
      recordEvent(this.store, pod, type, reason, message, component);
    for (const container of containers) {
      const image = container.image;
      switch (after) {
        case 'Unschedulable':
          event(
            'Warning',
            'FailedScheduling',
            '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
            'default-scheduler',
          );
          break;
        case 'ErrImagePull':
          event('Normal', 'Pulling', `Pulling image "${image}"`);
          event(
            'Warning',
            'Failed',
            `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`,
          );
          event('Warning', 'Failed', 'Error: ErrImagePull');
          break;
        case 'ImagePullBackOff':
          event('Normal', 'BackOff', `Back-off pulling image "${image}"`);
          event('Warning', 'Failed', 'Error: ImagePullBackOff');
          break;
        case 'CrashLoopBackOff':
          event(
            'Warning',
            'BackOff',
            `Back-off restarting failed container ${container.name} in pod ${pod.metadata.name}`,
          );
          break;
        case 'Running':
        case 'NotReady':
          if (before !== 'Running' && before !== 'NotReady') {
            event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
            event('Normal', 'Created', `Created container ${container.name}`);
            event('Normal', 'Started', `Started container ${container.name}`);
          }
          if (after === 'NotReady' && scenario === 'progress-deadline')
            event('Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
          break;
      }
    }
  }
}

function reasonOf(status: KubeObject | undefined): string {
  if (status?.conditions?.some((c: KubeObject) => c.reason === 'Unschedulable')) return 'Unschedulable';
  const container = status?.containerStatuses?.[0];
  if (!container) return 'None';
  if (container.state?.waiting) return container.state.waiting.reason;
  if (container.state?.running) return container.ready ? 'Running' : 'NotReady';
  return 'Terminated';
}
