import type { KubeObject } from '../types';
import { timestamp } from './names';
import { isPodReady } from './pod-status';

/**
 * A Deployment's status as the deployment controller reports it: replica counts over the new and old
 * ReplicaSets' pods, and the `Available` and `Progressing` conditions (whose reasons kubectl rollout
 * status and kstatus read), keeping transition times when a condition does not change.
 */
export function deploymentStatus(
  deployment: KubeObject,
  rsName: string,
  newPods: KubeObject[],
  oldPods: KubeObject[],
  options: { deadlinePassed: boolean; maxUnavailable: number },
): KubeObject {
  const desired = deployment.spec.replicas ?? 1;
  const ready = [...newPods, ...oldPods].filter(isPodReady).length;
  const replicas = newPods.length + oldPods.length;
  const updated = newPods.length;
  const complete =
    updated === desired && replicas === desired && newPods.filter(isPodReady).length === desired;
  const previous = (deployment.status?.conditions ?? []) as KubeObject[];
  // Once exceeded, the deadline stays exceeded until the rollout completes or a new one starts.
  const timedOut =
    !complete &&
    (options.deadlinePassed ||
      previous.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'));
  const progressing = complete
    ? {
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      }
    : timedOut
      ? {
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
        }
      : { status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` };
  const available =
    ready >= desired - options.maxUnavailable
      ? {
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        };
  const condition = (type: string, next: KubeObject) => {
    const old = previous.find((c) => c.type === type);
    const now = timestamp();
    return {
      type,
      ...next,
      lastUpdateTime:
        old && old.status === next.status && old.reason === next.reason ? old.lastUpdateTime : now,
      lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : now,
    };
  };
  return {
    observedGeneration: deployment.metadata.generation,
    replicas,
    updatedReplicas: updated,
    // The API omits zero counts.
    ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
    ...(desired - ready > 0 ? { unavailableReplicas: desired - ready } : {}),
    conditions: [condition('Available', available), condition('Progressing', progressing)],
  };
}
