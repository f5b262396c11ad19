import { containersOf, podTemplate, type KubeObject } from './kube-object';
import { ANNOTATIONS } from './annotate';

export type RolloutState = 'InProgress' | 'Current' | 'Failed';

export interface RolloutStatus {
  state: RolloutState;
  message: string;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

type Status = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const inProgress = (message: string): RolloutStatus => ({ state: 'InProgress', message });

/**
 * Evaluates a workload the way kstatus does: the controller must have observed the latest
 * generation, then every replica must be updated, ready and available (StatefulSets: on the update
 * revision). A Deployment past its progress deadline is Failed.
 */
export function evaluateWorkload(object: KubeObject): RolloutStatus {
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const status = (object.status ?? {}) as Status;
  const generation = object.metadata.generation;
  if (generation !== undefined && num(status.observedGeneration) < generation) {
    return inProgress(`waiting for the controller to observe generation ${generation}`);
  }
  const conditions = status.conditions ?? [];
  switch (object.kind) {
    case 'Deployment': {
      const progressing = conditions.find((condition) => condition.type === 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded') {
        return {
          state: 'Failed',
          message: `ProgressDeadlineExceeded: ${progressing.message ?? 'progress deadline exceeded'}`,
        };
      }
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      if (num(status.updatedReplicas) < replicas)
        return inProgress(`${num(status.updatedReplicas)} of ${replicas} replicas updated`);
      if (num(status.replicas) > num(status.updatedReplicas))
        return inProgress(
          `${num(status.replicas) - num(status.updatedReplicas)} old replica(s) pending termination`,
        );
      if (num(status.availableReplicas) < replicas)
        return inProgress(`${num(status.availableReplicas)} of ${replicas} updated replicas available`);
      if (num(status.readyReplicas) < replicas)
        return inProgress(`${num(status.readyReplicas)} of ${replicas} replicas ready`);
      return { state: 'Current', message: `${replicas} replica(s) updated and available` };
    }
    case 'StatefulSet': {
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      const strategy = spec.updateStrategy as
        { type?: string; rollingUpdate?: { partition?: number } } | undefined;
      if (num(status.readyReplicas) < replicas)
        return inProgress(`${num(status.readyReplicas)} of ${replicas} replicas ready`);
      if (strategy?.type === 'OnDelete')
        return { state: 'Current', message: `${replicas} replica(s) ready (OnDelete)` };
      const partition = num(strategy?.rollingUpdate?.partition);
      if (num(status.updatedReplicas) < replicas - partition)
        return inProgress(`${num(status.updatedReplicas)} of ${replicas - partition} replicas updated`);
      if (partition === 0 && status.updateRevision && status.currentRevision !== status.updateRevision)
        return inProgress(`waiting for revision ${String(status.updateRevision)} to become current`);
      return {
        state: 'Current',
        message: `${replicas} replica(s) on revision ${String(status.currentRevision ?? '?')}`,
      };
    }
    case 'DaemonSet': {
      const desired = num(status.desiredNumberScheduled);
      if (num(status.updatedNumberScheduled) < desired)
        return inProgress(`${num(status.updatedNumberScheduled)} of ${desired} pods updated`);
      if (num(status.numberAvailable) < desired)
        return inProgress(`${num(status.numberAvailable)} of ${desired} pods available`);
      return { state: 'Current', message: `${desired} pod(s) updated and available` };
    }
    default:
      return { state: 'Current', message: 'no rollout to wait for' };
  }
}

/** Waiting reasons that will not resolve by waiting longer. */
export const FATAL_CONTAINER_REASONS = [
  'ImagePullBackOff',
  'ErrImagePull',
  'CrashLoopBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
];

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string; message?: string };
    terminated?: { reason?: string; exitCode?: number };
  };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

/** Why a pod cannot become ready, when the reason is one that waiting will not fix. */
export function podProblem(pod: KubeObject): string | undefined {
  const status = (pod.status ?? {}) as {
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
  const unschedulable = (status.conditions ?? []).find(
    (condition) =>
      condition.type === 'PodScheduled' &&
      condition.status === 'False' &&
      condition.reason === 'Unschedulable',
  );
  if (unschedulable) return `Unschedulable: ${unschedulable.message ?? 'no node fits the pod'}`;
  for (const container of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const waiting = container.state?.waiting;
    if (waiting?.reason && FATAL_CONTAINER_REASONS.includes(waiting.reason)) {
      const last = container.lastState?.terminated;
      const exit = last ? ` (last exit ${last.exitCode ?? '?'}${last.reason ? ` ${last.reason}` : ''})` : '';
      return `${waiting.reason} in container ${container.name}${exit}${waiting.message ? `: ${waiting.message}` : ''}`;
    }
  }
  return undefined;
}

/** Does the pod run the workload's current template (not a pod of an older or abandoned revision)? */
export function podRunsTemplate(pod: KubeObject, workload: KubeObject): boolean {
  const selector = ((workload.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)
    ?.selector?.matchLabels ?? {}) as Record<string, string>;
  const labels = pod.metadata.labels ?? {};
  if (Object.keys(selector).length === 0) return false;
  if (!Object.entries(selector).every(([key, value]) => labels[key] === value)) return false;
  const wanted = containersOf(workload)
    .map((container) => container.image)
    .sort();
  const running = containersOf(pod)
    .map((container) => container.image)
    .sort();
  if (wanted.join('\n') !== running.join('\n')) return false;
  const version = podTemplate(workload)?.metadata?.annotations?.[ANNOTATIONS.version];
  return version === undefined || pod.metadata.annotations?.[ANNOTATIONS.version] === version;
}
