import { formatDuration, type Logger, type SecretRedactor } from '@alt-las/action-kit';
import { stringify } from 'yaml';
import { ANNOTATIONS } from './annotate';
import { diagnoseFailures, type Diagnosis } from './diagnose';
import { isWorkload, kubectlName, objectKey, type KubeObject } from './kube-object';
import type { ApplyOptions, Kubectl } from './kubectl';
import { redactSecretDiff } from './plan';
import { pruneObjects } from './prune';
import { applyableCopy, recordWorkloads, restoreWorkloads, revisionOf } from './rollback';
import { waitForWorkloads, type WorkloadFailure } from './rollout-waiter';
import type { Watcher } from './watch';

export type DeployResult = 'deployed' | 'unchanged' | 'rolled-back' | 'failed';

export interface DeployOptions extends ApplyOptions {
  prune: boolean;
  wait: boolean;
  timeoutMs: number;
  rollbackOnFailure: boolean;
}

export interface DeployDeps {
  kubectl: Kubectl;
  watcher: Watcher;
  logger: Logger;
  redactor: SecretRedactor;
}

export interface DeployOutcome {
  result: DeployResult;
  /** kind/name -> revision before and after this run. */
  revisions: Record<string, { before: string | null; after: string | null }>;
  changed: string[];
  pruned: string[];
  failures: WorkloadFailure[];
  diagnoses: Diagnosis[];
  /** Workloads returned to their recorded revision, and those that had none (first install). */
  rolledBack: string[];
  notRestorable: string[];
  /** Time from the start of waiting until the last workload was seen available (or failed). */
  waitMs?: number;
  message: string;
}

export const toManifest = (objects: KubeObject[]): string =>
  objects.map((object) => stringify(object)).join('---\n');

const display = (key: string) => key.replace(/\/[^/]*\//, '/');

/**
 * `kubectl diff` of the plan against the cluster, Secret values redacted; '' when nothing differs.
 * The API server cannot dry-run objects in a namespace that does not exist yet (a first install),
 * so those are listed as creations instead of being sent.
 */
export async function serverDiff(
  objects: KubeObject[],
  options: ApplyOptions,
  deps: Pick<DeployDeps, 'kubectl' | 'redactor'>,
): Promise<string> {
  const namespaces = [
    ...new Set(objects.map((object) => object.metadata.namespace).filter((name): name is string => !!name)),
  ];
  const existing = namespaces.length
    ? new Set(
        (
          await deps.kubectl.run(['get', 'namespaces', ...namespaces, '--ignore-not-found', '-o', 'name'])
        ).stdout
          .split('\n')
          .map((line) => line.replace(/^namespace\//, '').trim()),
      )
    : new Set<string>();
  const pending = objects.filter(
    (object) => object.metadata.namespace && !existing.has(object.metadata.namespace),
  );
  const diffable = objects.filter((object) => !pending.includes(object));
  const diff = diffable.length > 0 ? await deps.kubectl.diff(toManifest(diffable), options) : '';
  const created = pending.map(
    (object) =>
      `+ create ${kubectlName(object)} in namespace ${object.metadata.namespace} (the namespace does not exist yet)`,
  );
  return deps.redactor.redact(
    redactSecretDiff(diff) +
      (created.length > 0 ? `${diff && !diff.endsWith('\n') ? '\n' : ''}${created.join('\n')}\n` : ''),
  );
}

function liveIndex(objects: KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((object) => [objectKey(object), object]));
}

/**
 * Applies a validated, ordered, pinned plan and sees it through: records every workload's revision,
 * server-side applies, works out what really changed, waits for those workloads by watching, and on
 * failure diagnoses and restores every changed workload to its recorded revision.
 */
export async function deployPlan(
  plan: KubeObject[],
  options: DeployOptions,
  deps: DeployDeps,
  /** The live objects, when the caller already read them (alongside the diff). */
  live?: KubeObject[],
): Promise<DeployOutcome> {
  const { kubectl, logger } = deps;
  const manifest = toManifest(plan);
  const before = liveIndex(live ?? (await kubectl.getLive<KubeObject>(manifest)));
  const records = recordWorkloads(plan, [...before.values()]);
  for (const record of records.values())
    logger.info(
      `${display(record.key)}: ${record.revision === null ? 'not installed yet' : `at revision ${record.revision}`}`,
    );

  const after = liveIndex(await kubectl.apply(manifest, options));
  for (const object of after.values()) logger.info(`${kubectlName(object)} applied`);
  const changed = plan.filter((object) => {
    const key = objectKey(object);
    const previous = before.get(key);
    const current = after.get(key);
    if (!previous || !current) return true;
    // A workload whose spec is unchanged (only its stamp annotations moved) starts no rollout.
    return isWorkload(object)
      ? previous.metadata.generation !== current.metadata.generation
      : previous.metadata.resourceVersion !== current.metadata.resourceVersion;
  });
  const pruned = options.prune ? await pruneObjects(plan, { kubectl }) : [];
  if (pruned.length > 0) logger.info(`Pruned ${pruned.join(', ')}`);

  const changedWorkloads = changed.filter(isWorkload).map((object) => after.get(objectKey(object)) ?? object);
  const outcome: DeployOutcome = {
    result: changed.length === 0 && pruned.length === 0 ? 'unchanged' : 'deployed',
    revisions: {},
    changed: changed.map(kubectlName),
    pruned,
    failures: [],
    diagnoses: [],
    rolledBack: [],
    notRestorable: [],
    message: '',
  };
  // Revisions after the run come from the freshest view: the watch when the action waited, else a read.
  const latest = new Map(after);
  const finish = async (fresh = true) => {
    if (!fresh)
      for (const object of await kubectl.getLive<KubeObject>(toManifest(plan.filter(isWorkload))))
        latest.set(objectKey(object), object);
    for (const record of records.values())
      outcome.revisions[display(record.key)] = {
        before: record.revision,
        after: revisionOf(latest.get(record.key)),
      };
    return outcome;
  };
  const seen = (objects: KubeObject[]) => objects.forEach((object) => latest.set(objectKey(object), object));
  if (outcome.result === 'unchanged') {
    outcome.message = 'nothing changed; no rollout was needed';
    return finish();
  }
  if (!options.wait || changedWorkloads.length === 0) {
    outcome.message =
      changedWorkloads.length === 0
        ? 'applied; no workload changed'
        : 'applied without waiting (wait: false)';
    return finish(changedWorkloads.length === 0);
  }

  const started = Date.now();
  const waited = await logger.group(`Waiting for ${changedWorkloads.length} workload(s)`, () =>
    waitForWorkloads(changedWorkloads, { watcher: deps.watcher, timeoutMs: options.timeoutMs, logger }),
  );
  outcome.waitMs = waited.settledAt - started;
  seen(waited.objects);
  if (waited.ok) {
    outcome.message = `${changedWorkloads.length} workload(s) available after ${formatDuration(outcome.waitMs)}`;
    return finish();
  }

  outcome.result = 'failed';
  outcome.failures = waited.failures;
  outcome.diagnoses = await diagnoseFailures(waited.failures, changedWorkloads, deps);
  const reasons = waited.failures
    .map((failure) => `${display(failure.workload)}: ${failure.reason}`)
    .join('; ');
  if (!options.rollbackOnFailure) {
    outcome.message = `rollout failed (${reasons}); not rolled back (rollback-on-failure: false)`;
    return finish();
  }
  const restorable = changedWorkloads.map(objectKey).filter((key) => records.get(key)?.live);
  outcome.notRestorable = changedWorkloads
    .map(objectKey)
    .filter((key) => !records.get(key)?.live)
    .map(display);
  const restore = restorable.map((key) => applyableCopy(records.get(key)!.live!));
  await logger.group(`Rolling back ${restore.length} workload(s)`, async () => {
    await restoreWorkloads(restore, { kubectl, fieldManager: options.fieldManager });
    const healed = await waitForWorkloads(restore, {
      watcher: deps.watcher,
      timeoutMs: options.timeoutMs,
      logger,
    });
    seen(healed.objects);
    outcome.rolledBack = restorable.map(display);
    const targets = restorable
      .map((key) => {
        const record = records.get(key)!;
        const version = record.live?.metadata.annotations?.[ANNOTATIONS.version];
        return `${display(key)} revision ${record.revision ?? '?'}${version ? ` (release ${version})` : ''}`;
      })
      .join(', ');
    if (healed.ok && restore.length > 0 && outcome.notRestorable.length === 0) {
      outcome.result = 'rolled-back';
      outcome.message = `rollout failed (${reasons}); rolled back to ${targets}`;
    } else {
      const left = [
        ...healed.failures.map((failure) => `${display(failure.workload)}: ${failure.reason}`),
        ...outcome.notRestorable.map(
          (key) => `${key} had no earlier revision (first install) and was left as applied`,
        ),
      ];
      outcome.message = `rollout failed (${reasons}); ${restore.length > 0 ? `rolled back to ${targets}, but ` : ''}${left.join('; ')}`;
    }
  });
  return finish();
}
