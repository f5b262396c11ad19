import type { KubeObject, Scenario } from '../types';
import { timestamp } from './names';

/** Steps a `slow` pod takes to become ready. */
export const SLOW_STEPS = 6;

/** The age (in steps) from which a pod's status no longer changes; a crash loop never settles. */
export const SETTLED_AFTER: Record<Scenario, number> = {
  success: 1,
  slow: SLOW_STEPS,
  'image-pull-failure': 2,
  'crash-loop': Number.POSITIVE_INFINITY,
  'progress-deadline': 1,
  unschedulable: 0,
};

export const isPodReady = (pod: KubeObject) =>
  ((pod.status?.conditions ?? []) as KubeObject[]).some((c) => c.type === 'Ready' && c.status === 'True');

export function succeededStatus(pod: KubeObject): KubeObject {
  const finishedAt = timestamp();
  return {
    ...pod.status,
    phase: 'Succeeded',
    conditions: ((pod.status?.conditions ?? []) as KubeObject[]).map((c) =>
      c.type === 'Ready' || c.type === 'ContainersReady'
        ? { ...c, status: 'False', reason: 'PodCompleted' }
        : c,
    ),
    containerStatuses: ((pod.status?.containerStatuses ?? []) as KubeObject[]).map((s) => ({
      ...s,
      ready: false,
      started: false,
      state: {
        terminated: { exitCode: 0, reason: 'Completed', startedAt: pod.status?.startTime, finishedAt },
      },
    })),
  };
}

/** The status a pod of `scenario` has `age` steps after it was created. */
export function podStatus(pod: KubeObject, scenario: Scenario, age: number): KubeObject {
  const created = pod.metadata.creationTimestamp;
  const condition = (type: string, ok: boolean, reason?: string, message?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: created,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  });
  if (scenario === 'unschedulable')
    return {
      phase: 'Pending',
      conditions: [
        condition(
          'PodScheduled',
          false,
          'Unschedulable',
          '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
        ),
      ],
      qosClass: 'BestEffort',
    };
  const creating = age < (scenario === 'slow' ? SLOW_STEPS / 2 : 1);
  const ready = !creating && (scenario === 'success' || (scenario === 'slow' && age >= SLOW_STEPS));
  const state = (container: KubeObject): KubeObject => {
    const base = {
      name: container.name,
      image: container.image,
      imageID: '',
      started: false,
      ready: false,
      restartCount: 0,
    };
    if (creating) return { ...base, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} };
    const running = { running: { startedAt: created } };
    const id = {
      containerID: `containerd://${pod.metadata.uid.replace(/-/g, '')}`,
      imageID: `${container.image}`,
    };
    switch (scenario) {
      case 'image-pull-failure':
        return {
          ...base,
          state: {
            waiting:
              age === 1
                ? {
                    reason: 'ErrImagePull',
                    message: `failed to pull and unpack image "${container.image}": not found`,
                  }
                : { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` },
          },
          lastState: {},
        };
      case 'crash-loop':
        if (age === 1) return { ...base, ...id, started: true, state: running, lastState: {} };
        return {
          ...base,
          ...id,
          restartCount: age - 1,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 10s restarting failed container=${container.name} pod=${pod.metadata.name}`,
            },
          },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: created,
              finishedAt: timestamp(),
              containerID: id.containerID,
            },
          },
        };
      default:
        return { ...base, ...id, started: true, ready, state: running, lastState: {} };
    }
  };
  const containerStatuses = ((pod.spec.containers ?? []) as KubeObject[]).map(state);
  const running = containerStatuses.some((s) => s.state.running || s.lastState.terminated);
  return {
    phase: running ? 'Running' : 'Pending',
    conditions: [
      condition('PodReadyToStartContainers', !creating),
      condition('Initialized', true),
      condition(
        'Ready',
        ready,
        ready ? undefined : 'ContainersNotReady',
        ready
          ? undefined
          : `containers with unready status: [${containerStatuses.map((s) => s.name).join(' ')}]`,
      ),
      condition('ContainersReady', ready, ready ? undefined : 'ContainersNotReady'),
      condition('PodScheduled', true),
    ],
    hostIP: '172.18.0.2',
    hostIPs: [{ ip: '172.18.0.2' }],
    podIP: `10.244.0.${(parseInt(pod.metadata.uid.slice(0, 2), 16) % 250) + 2}`,
    startTime: created,
    containerStatuses,
    qosClass: 'BestEffort',
  };
}
