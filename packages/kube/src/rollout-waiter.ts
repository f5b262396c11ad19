import { formatDuration, systemClock, type Clock, type Logger } from '@alt-las/action-kit';
import { objectKey, type KubeObject } from './kube-object';
import { evaluateWorkload, podProblem, podRunsTemplate, type RolloutStatus } from './rollout-status';
import type { WatchEvent, WatchHandle, Watcher } from './watch';

export interface WorkloadFailure {
  workload: string;
  reason: string;
}

export interface WaitResult {
  ok: boolean;
  failures: WorkloadFailure[];
  statuses: Record<string, RolloutStatus>;
  /** When the waiter saw the last workload become Current (or the failure). */
  settledAt: number;
  /** The workloads as last seen on the watch (their revisions are current). */
  objects: KubeObject[];
}

const RESOURCES: Record<string, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
};
const RESTART_DELAY_MS = 1000;
/** How long a failure known only from the workload's status waits for its pods to name the cause. */
export const POD_DETAIL_GRACE_MS = 1000;

/**
 * Waits for every given workload at once, driven by watch events rather than polling: each event
 * re-evaluates the workloads by kstatus rules and their pods for failures that waiting cannot fix,
 * so success and failure are both noticed as soon as the API server reports them.
 */
export function waitForWorkloads(
  workloads: KubeObject[],
  deps: { watcher: Watcher; timeoutMs: number; clock?: Clock; logger: Logger },
): Promise<WaitResult> {
  const clock = deps.clock ?? systemClock;
  const keys = new Set(workloads.map(objectKey));
  const live = new Map<string, KubeObject>();
  const pods = new Map<string, KubeObject>();
  const statuses: Record<string, RolloutStatus> = {};
  for (const workload of workloads)
    statuses[objectKey(workload)] = { state: 'InProgress', message: 'waiting for the first status' };
  const handles = new Map<string, WatchHandle>();
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let grace: NodeJS.Timeout | undefined;

  return new Promise<WaitResult>((resolve) => {
    const finish = (ok: boolean, failures: WorkloadFailure[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      for (const handle of handles.values()) handle.stop();
      resolve({ ok, failures, statuses, settledAt: clock.now(), objects: [...live.values()] });
    };
    if (workloads.length === 0) return finish(true, []);

    const evaluate = (graceOver = false) => {
      const failures: WorkloadFailure[] = [];
      let podNamed = false;
      for (const key of keys) {
        const object = live.get(key);
        if (!object) continue;
        const status = evaluateWorkload(object);
        if (statuses[key]?.message !== status.message)
          deps.logger.info(`${key.replace(/\/[^/]*\//, '/')}: ${status.state}: ${status.message}`);
        statuses[key] = status;
        if (status.state === 'Current') continue;
        // A pod of the new template that cannot start is the more specific reason, even past the deadline.
        const problem = [...pods.values()]
          .filter(
            (pod) => pod.metadata.namespace === object.metadata.namespace && podRunsTemplate(pod, object),
          )
          .map((pod) => ({ pod, problem: podProblem(pod) }))
          .find((entry) => entry.problem);
        if (problem) {
          const reason = `pod ${problem.pod.metadata.name}: ${problem.problem}`;
          failures.push({
            workload: key,
            reason: status.state === 'Failed' ? `${status.message}; ${reason}` : reason,
          });
          statuses[key] = { state: 'Failed', message: problem.problem! };
          podNamed = true;
        } else if (status.state === 'Failed') failures.push({ workload: key, reason: status.message });
      }
      // A progress deadline seen before the pod listing arrived: give the pods a moment to say why.
      if (failures.length > 0 && !podNamed && !graceOver) {
        grace ??= setTimeout(() => evaluate(true), POD_DETAIL_GRACE_MS);
        return;
      }
      if (failures.length > 0) return finish(false, failures);
      if ([...keys].every((key) => statuses[key]?.state === 'Current')) finish(true, []);
    };

    const onEvent = (resource: string) => (event: WatchEvent) => {
      if (settled || event.type === 'BOOKMARK' || event.type === 'ERROR') return;
      const object = event.object;
      if (resource === 'pods') {
        const name = `${object.metadata.namespace}/${object.metadata.name}`;
        if (event.type === 'DELETED') pods.delete(name);
        else pods.set(name, object);
      } else {
        const key = objectKey(object);
        if (!keys.has(key)) return;
        if (event.type === 'DELETED') live.delete(key);
        else live.set(key, object);
      }
      evaluate();
    };

    const start = (resource: string, namespace: string) => {
      const id = `${resource}/${namespace}`;
      handles.set(
        id,
        deps.watcher(resource, namespace, onEvent(resource), (reason) => {
          if (settled) return;
          deps.logger.debug(`${reason}; watching again`);
          setTimeout(() => !settled && start(resource, namespace), RESTART_DELAY_MS).unref();
        }),
      );
    };
    const namespaces = new Set<string>();
    const watched = new Set<string>();
    for (const workload of workloads) {
      const namespace = workload.metadata.namespace ?? 'default';
      namespaces.add(namespace);
      const id = `${RESOURCES[workload.kind]}/${namespace}`;
      if (!watched.has(id)) {
        watched.add(id);
        start(RESOURCES[workload.kind]!, namespace);
      }
    }
    for (const namespace of namespaces) start('pods', namespace);

    // A real timer (not the clock's sleep) so it can be cancelled and never keeps the process alive.
    if (!settled)
      timer = setTimeout(() => {
        finish(
          false,
          [...keys]
            .filter((key) => statuses[key]?.state !== 'Current')
            .map((key) => ({
              workload: key,
              reason: `not available after ${formatDuration(deps.timeoutMs)}: ${statuses[key]?.message ?? 'no status'}`,
            })),
        );
      }, deps.timeoutMs);
  });
}
