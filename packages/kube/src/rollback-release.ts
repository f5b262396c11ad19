import type { Logger } from '@alt-las/action-kit';
import { objectKey, type KubeObject } from './kube-object';
import type { Kubectl } from './kubectl';
import { planRollback, restoreWorkloads, revisionOf } from './rollback';
import { waitForWorkloads } from './rollout-waiter';
import type { Watcher } from './watch';

export interface NamespaceRollback {
  ok: boolean;
  message: string;
  revisions: Record<string, { before: string | null; after: string | null }>;
  /** Workloads with no revision of the target in their history (left as they are). */
  skipped: string[];
}

/**
 * `mode: rollback`: returns every workload of the namespace to the revision of an earlier release
 * (or a revision number), with the deploy's field manager, and waits until that is healthy.
 */
export async function rollbackNamespace(
  namespace: string,
  target: string,
  options: { fieldManager: string; timeoutMs: number },
  deps: { kubectl: Kubectl; watcher: Watcher; logger: Logger },
): Promise<NamespaceRollback> {
  const { objects, skipped } = await planRollback(deps.kubectl, namespace, target);
  const before = new Map(objects.map((object) => [objectKey(object), revisionOf(object)]));
  await restoreWorkloads(objects, { kubectl: deps.kubectl, fieldManager: options.fieldManager });
  const waited = await deps.logger.group(`Waiting for ${objects.length} workload(s)`, () =>
    waitForWorkloads(objects, { watcher: deps.watcher, timeoutMs: options.timeoutMs, logger: deps.logger }),
  );
  const after = new Map<string, KubeObject>(waited.objects.map((object) => [objectKey(object), object]));
  const revisions = Object.fromEntries(
    objects.map((object) => [
      `${object.kind}/${object.metadata.name}`,
      { before: before.get(objectKey(object)) ?? null, after: revisionOf(after.get(objectKey(object))) },
    ]),
  );
  const failures = waited.failures.map(
    (failure) => `${failure.workload.replace(/\/[^/]*\//, '/')}: ${failure.reason}`,
  );
  return {
    ok: waited.ok,
    message: waited.ok
      ? `rolled back ${objects.length} workload(s) to ${target}`
      : `rollback to ${target} did not become healthy: ${failures.join('; ')}`,
    revisions,
    skipped,
  };
}
