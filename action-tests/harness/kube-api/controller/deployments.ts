import { RESOURCE_TYPES } from '../resources';
import type { ObjectStore } from '../store';
import type { KubeObject, Scenario, ScenarioChooser } from '../types';
import { recordEvent } from './events';
import { deploymentStatus } from './deployment-status';
import { imagesOf, ownerReference, templateHash } from './names';
import { isPodReady } from './pod-status';
import type { PodSimulator } from './pods';

const type = (kind: string) => RESOURCE_TYPES.find((t) => t.kind === kind && t.group === 'apps')!;
const DEPLOYMENT = type('Deployment');
const REPLICA_SET = type('ReplicaSet');
const REVISION = 'deployment.kubernetes.io/revision';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

const revisionOf = (rs: KubeObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0);

/** Resolves an int-or-percent rolling update field against `replicas` (percent rounded up or down). */
function resolve(value: unknown, replicas: number, roundUp: boolean): number {
  if (typeof value !== 'string' || !value.endsWith('%')) return Number(value);
  const exact = (replicas * parseInt(value, 10)) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxUnavailable and maxSurge as pod counts; Recreate replaces everything at once. */
function rollingLimits(deployment: KubeObject, replicas: number): { unavailable: number; surge: number } {
  if (deployment.spec.strategy?.type === 'Recreate') return { unavailable: replicas, surge: 0 };
  const rolling = deployment.spec.strategy?.rollingUpdate ?? {};
  const surge = resolve(rolling.maxSurge ?? '25%', replicas, true);
  const unavailable = resolve(rolling.maxUnavailable ?? '25%', replicas, false);
  // The API refuses both being zero; treat it as the controller would, one pod at a time.
  return { unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable, surge };
}

interface Rollout {
  scenario: Scenario;
  /** Controller time of the last progress, for the progress deadline. */
  lastProgress: number;
  readyBefore: number;
}

/**
 * The deployment controller: one ReplicaSet per pod template carrying the revision annotation, scaling
 * the new set up and the old ones down as new pods become ready, and the status and conditions
 * `kubectl rollout status` and kstatus read (Progressing with ProgressDeadlineExceeded, Available).
 */
export class DeploymentController {
  private readonly rollouts = new Map<string, Rollout>();
  /** Template hashes by deployment uid, valid for one generation (hashing every pass adds up). */
  private readonly hashes = new Map<string, { generation: number; hash: string }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly pods: PodSimulator,
    private readonly chooseScenario: ScenarioChooser,
    private readonly now: () => number,
    /** Controller steps per minute of progressDeadlineSeconds. */
    private readonly stepsPerMinute: number,
  ) {}

  reconcileAll(): void {
    const sets = new Map<string, KubeObject[]>();
    for (const rs of this.store.list(REPLICA_SET)) {
      const owner = ((rs.metadata.ownerReferences ?? []) as KubeObject[]).find((ref) => ref.controller)?.uid;
      if (owner) sets.set(owner, [...(sets.get(owner) ?? []), rs]);
    }
    for (const deployment of this.store.list(DEPLOYMENT))
      this.reconcile(deployment, sets.get(deployment.metadata.uid) ?? []);
  }

  private reconcile(deployment: KubeObject, sets: KubeObject[]): void {
    const namespace = deployment.metadata.namespace;
    const hash = this.hashOf(deployment);
    let current = sets.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const maxRevision = Math.max(0, ...sets.map(revisionOf));
    if (!current || revisionOf(current) < maxRevision) {
      current = this.startRollout(deployment, current, maxRevision + 1, hash);
      deployment = this.store.mustGet(DEPLOYMENT, namespace, deployment.metadata.name);
    }
    const rollout = this.rollout(current);
    const desired = deployment.spec.replicas ?? 1;
    const limits = rollingLimits(deployment, desired);
    const newReady = this.podsOf(current)
      .map((pod) => this.pods.advance(pod))
      .filter(isPodReady).length;
    if (newReady > rollout.readyBefore) rollout.lastProgress = this.now();
    rollout.readyBefore = newReady;
    // Old pods go as new ones become ready, keeping desired - maxUnavailable available; unready old
    // pods go first. New pods are added within desired + maxSurge.
    let budget = Math.max(0, desired - limits.unavailable - newReady);
    let oldPods: KubeObject[] = [];
    for (const rs of sets
      .filter((s) => s.metadata.uid !== current!.metadata.uid)
      .sort((a, b) => revisionOf(b) - revisionOf(a))) {
      const ready = this.podsOf(rs).filter(isPodReady).length;
      const keep = Math.min(ready, budget);
      budget -= keep;
      oldPods = oldPods.concat(this.syncPods(deployment, rs, keep, undefined));
    }
    const newTarget = Math.max(0, Math.min(desired, desired + limits.surge - oldPods.length));
    const newPods = this.syncPods(deployment, current, newTarget, rollout.scenario);
    this.pruneHistory(deployment, sets, current);
    this.writeStatus(deployment, current, newPods, oldPods, rollout);
  }

  private startRollout(
    deployment: KubeObject,
    existing: KubeObject | undefined,
    revision: number,
    hash: string,
  ): KubeObject {
    const namespace = deployment.metadata.namespace;
    const annotations = deployment.metadata.annotations ?? {};
    const scenario = this.chooseScenario({
      kind: 'Deployment',
      namespace,
      name: deployment.metadata.name,
      images: imagesOf(deployment.spec.template),
    });
    let rs: KubeObject;
    if (existing) {
      existing.metadata.annotations = { ...existing.metadata.annotations, [REVISION]: String(revision) };
      if (annotations[CHANGE_CAUSE]) existing.metadata.annotations[CHANGE_CAUSE] = annotations[CHANGE_CAUSE];
      rs = this.store.update(REPLICA_SET, existing);
    } else {
      const template = structuredClone(deployment.spec.template);
      template.metadata = {
        ...template.metadata,
        labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
      };
      rs = this.store.create(REPLICA_SET, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${deployment.metadata.name}-${hash}`,
          namespace,
          labels: template.metadata.labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas ?? 1),
            'deployment.kubernetes.io/max-replicas': String((deployment.spec.replicas ?? 1) + 1),
            [REVISION]: String(revision),
            ...(annotations[CHANGE_CAUSE] ? { [CHANGE_CAUSE]: annotations[CHANGE_CAUSE] } : {}),
          },
          ownerReferences: [ownerReference(deployment)],
        },
        spec: {
          replicas: 0,
          selector: { matchLabels: { ...deployment.spec.selector?.matchLabels, 'pod-template-hash': hash } },
          template,
        },
        status: { replicas: 0, observedGeneration: 1 },
      });
    }
    this.rollouts.set(rs.metadata.uid, { scenario, lastProgress: this.now(), readyBefore: 0 });
    deployment.metadata.annotations = { ...annotations, [REVISION]: String(revision) };
    this.store.update(DEPLOYMENT, deployment);
    return rs;
  }

  private hashOf(deployment: KubeObject): string {
    const cached = this.hashes.get(deployment.metadata.uid);
    if (cached && cached.generation === deployment.metadata.generation) return cached.hash;
    const hash = templateHash(deployment.spec.template);
    this.hashes.set(deployment.metadata.uid, { generation: deployment.metadata.generation, hash });
    return hash;
  }

  private rollout(rs: KubeObject): Rollout {
    let rollout = this.rollouts.get(rs.metadata.uid);
    if (!rollout) {
      // A set created outside this controller (e.g. applied by a test) rolls out successfully.
      rollout = { scenario: 'success', lastProgress: this.now(), readyBefore: 0 };
      this.rollouts.set(rs.metadata.uid, rollout);
    }
    return rollout;
  }

  private podsOf(rs: KubeObject): KubeObject[] {
    return this.pods.ownedBy(rs);
  }

  /** Scales a ReplicaSet's pods to `replicas`, advances them, and writes the set's status. */
  private syncPods(
    deployment: KubeObject,
    rs: KubeObject,
    replicas: number,
    scenario: Scenario | undefined,
  ): KubeObject[] {
    // Scaling down removes unready pods first.
    let pods = this.podsOf(rs).sort((a, b) => Number(isPodReady(b)) - Number(isPodReady(a)));
    for (const pod of pods.slice(replicas)) this.pods.delete(pod);
    pods = pods.slice(0, replicas).map((pod) => this.pods.advance(pod));
    while (pods.length < replicas)
      pods.push(
        this.pods.create(
          rs,
          rs.spec.template,
          undefined,
          {},
          scenario ?? this.rollouts.get(rs.metadata.uid)?.scenario ?? 'success',
        ),
      );
    const ready = pods.filter(isPodReady).length;
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const fresh = this.store.get(REPLICA_SET, rs.metadata.namespace, rs.metadata.name);
    if (
      fresh &&
      (fresh.spec.replicas !== replicas || JSON.stringify(fresh.status) !== JSON.stringify(status))
    ) {
      const from = fresh.spec.replicas ?? 0;
      if (from !== replicas)
        recordEvent(
          this.store,
          deployment,
          'Normal',
          'ScalingReplicaSet',
          `Scaled ${replicas > from ? 'up' : 'down'} replica set ${fresh.metadata.name} from ${from} to ${replicas}`,
          'deployment-controller',
        );
      this.store.update(REPLICA_SET, { ...fresh, spec: { ...fresh.spec, replicas }, status });
    }
    return pods;
  }

  /** Keeps `revisionHistoryLimit` scaled-down sets, deleting the oldest. */
  private pruneHistory(deployment: KubeObject, sets: KubeObject[], current: KubeObject): void {
    const limit = deployment.spec.revisionHistoryLimit ?? 10;
    const old = sets
      .filter((rs) => rs.metadata.uid !== current.metadata.uid && this.podsOf(rs).length === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of old.slice(0, Math.max(0, old.length - limit))) {
      this.rollouts.delete(rs.metadata.uid);
      this.store.delete(REPLICA_SET, rs.metadata.namespace, rs.metadata.name);
    }
  }

  private writeStatus(
    deployment: KubeObject,
    current: KubeObject,
    newPods: KubeObject[],
    oldPods: KubeObject[],
    rollout: Rollout,
  ): void {
    const deadlineSteps = ((deployment.spec.progressDeadlineSeconds ?? 600) / 60) * this.stepsPerMinute;
    const status = deploymentStatus(deployment, current.metadata.name, newPods, oldPods, {
      deadlinePassed: this.now() - rollout.lastProgress >= deadlineSteps,
      maxUnavailable: rollingLimits(deployment, deployment.spec.replicas ?? 1).unavailable,
    });
    if (JSON.stringify(status) === JSON.stringify(deployment.status)) return;
    const fresh = this.store.get(DEPLOYMENT, deployment.metadata.namespace, deployment.metadata.name);
    if (fresh) this.store.update(DEPLOYMENT, { ...fresh, status });
  }
}
