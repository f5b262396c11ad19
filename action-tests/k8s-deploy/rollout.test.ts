import { MemoryLogger } from '@alt-las/action-kit';
import {
  evaluateWorkload,
  JsonStreamSplitter,
  podProblem,
  POD_DETAIL_GRACE_MS,
  waitForWorkloads,
  type KubeObject,
  type WatchEvent,
  type Watcher,
} from '@alt-las/kube';

const deployment = (status: Record<string, unknown>, generation = 2, replicas = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'ns', generation },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'api' } },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: { containers: [{ name: 'api', image: 'ghcr.io/o/api@sha256:new' }] },
    },
  },
  status: { observedGeneration: generation, ...status },
});

const done = { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };

describe('kstatus rules', () => {
  test('Deployment: generation observed, all replicas updated, old ones gone, available', () => {
    expect(evaluateWorkload(deployment({ ...done, observedGeneration: 1 })).message).toMatch(
      /observe generation 2/,
    );
    expect(evaluateWorkload(deployment({ ...done, updatedReplicas: 1 })).message).toBe(
      '1 of 2 replicas updated',
    );
    expect(evaluateWorkload(deployment({ ...done, replicas: 3 })).message).toMatch(/1 old replica/);
    expect(evaluateWorkload(deployment({ ...done, availableReplicas: 1 })).state).toBe('InProgress');
    expect(evaluateWorkload(deployment(done)).state).toBe('Current');
    const stuck = deployment({
      ...done,
      updatedReplicas: 1,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "api-1" has timed out progressing.',
        },
      ],
    });
    expect(evaluateWorkload(stuck)).toEqual({
      state: 'Failed',
      message: 'ProgressDeadlineExceeded: ReplicaSet "api-1" has timed out progressing.',
    });
  });

  test('StatefulSet: ready replicas and the update revision becoming current', () => {
    const sts = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', generation: 1 },
      spec: { replicas: 1 },
      status: { observedGeneration: 1, ...status },
    });
    expect(evaluateWorkload(sts({ readyReplicas: 0 })).state).toBe('InProgress');
    expect(
      evaluateWorkload(
        sts({ readyReplicas: 1, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' }),
      ).message,
    ).toMatch(/revision db-2/);
    expect(
      evaluateWorkload(
        sts({ readyReplicas: 1, updatedReplicas: 1, currentRevision: 'db-2', updateRevision: 'db-2' }),
      ).state,
    ).toBe('Current');
  });

  test('pods: image pull, crash loop and unschedulable are failures that waiting will not fix', () => {
    const pod = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      status,
    });
    expect(
      podProblem(
        pod({
          containerStatuses: [
            {
              name: 'api',
              state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
            },
          ],
        }),
      ),
    ).toBe('ImagePullBackOff in container api: Back-off pulling image');
    expect(
      podProblem(
        pod({
          containerStatuses: [
            {
              name: 'api',
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error' } },
            },
          ],
        }),
      ),
    ).toBe('CrashLoopBackOff in container api (last exit 1 Error)');
    expect(
      podProblem(
        pod({
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/3 nodes are available',
            },
          ],
        }),
      ),
    ).toBe('Unschedulable: 0/3 nodes are available');
    expect(
      podProblem(
        pod({ containerStatuses: [{ name: 'api', state: { waiting: { reason: 'ContainerCreating' } } }] }),
      ),
    ).toBeUndefined();
  });
});

test('the JSON stream splitter yields whole documents across chunk boundaries and braces in strings', () => {
  const seen: unknown[] = [];
  const splitter = new JsonStreamSplitter((value) => seen.push(value));
  const text =
    JSON.stringify({ a: '}{"', b: [1, { c: 2 }] }, null, 2) + '\n' + JSON.stringify({ d: 'x\\"}' });
  for (let i = 0; i < text.length; i += 7) splitter.push(text.slice(i, i + 7));
  expect(seen).toEqual([{ a: '}{"', b: [1, { c: 2 }] }, { d: 'x\\"}' }]);
});

/** A watcher the test drives: it records which watches are open and delivers events on demand. */
function fakeWatcher() {
  const open = new Map<string, { onEvent: (event: WatchEvent) => void; onEnd: (reason: string) => void }>();
  const started: string[] = [];
  const watcher: Watcher = (resource, namespace, onEvent, onEnd) => {
    const id = `${resource}/${namespace}`;
    started.push(id);
    open.set(id, { onEvent, onEnd });
    return { stop: () => open.delete(id) };
  };
  const emit = (id: string, object: KubeObject, type: WatchEvent['type'] = 'MODIFIED') =>
    open.get(id)?.onEvent({ type, object });
  return { watcher, open, started, emit };
}

describe('waiting by watching', () => {
  test('resolves as soon as the last workload becomes Current, and closes its watches', async () => {
    const fake = fakeWatcher();
    const waiting = waitForWorkloads([deployment({})], {
      watcher: fake.watcher,
      timeoutMs: 5000,
      logger: new MemoryLogger(),
    });
    expect(fake.started.sort()).toEqual(['deployments/ns', 'pods/ns']);
    fake.emit('deployments/ns', deployment({ ...done, updatedReplicas: 1 }), 'ADDED');
    fake.emit('deployments/ns', deployment(done));
    const result = await waiting;
    expect(result.ok).toBe(true);
    expect(result.statuses['Deployment/ns/api']?.state).toBe('Current');
    expect(fake.open.size).toBe(0);
  });

  test('fails fast on a pod of the new template in ImagePullBackOff, ignoring pods of the old one', async () => {
    const fake = fakeWatcher();
    const logger = new MemoryLogger();
    const waiting = waitForWorkloads([deployment({})], { watcher: fake.watcher, timeoutMs: 5000, logger });
    fake.emit('deployments/ns', deployment({ ...done, updatedReplicas: 1 }), 'ADDED');
    const pod = (image: string, reason: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `api-${image.length}`, namespace: 'ns', labels: { app: 'api' } },
      spec: { containers: [{ name: 'api', image }] },
      status: { containerStatuses: [{ name: 'api', state: { waiting: { reason } } }] },
    });
    fake.emit('pods/ns', pod('ghcr.io/o/api@sha256:old-image', 'ImagePullBackOff'), 'ADDED');
    fake.emit('pods/ns', pod('ghcr.io/o/api@sha256:new', 'ImagePullBackOff'), 'ADDED');
    const result = await waiting;
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual([
      { workload: 'Deployment/ns/api', reason: 'pod api-24: ImagePullBackOff in container api' },
    ]);
  });

  test('a progress deadline waits briefly for the pods to name the cause, and fails on its own if they do not', async () => {
    const deadline = deployment({
      ...done,
      updatedReplicas: 1,
      conditions: [
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' },
      ],
    });
    const fake = fakeWatcher();
    const waiting = waitForWorkloads([deployment({})], {
      watcher: fake.watcher,
      timeoutMs: 5000,
      logger: new MemoryLogger(),
    });
    fake.emit('deployments/ns', deadline, 'ADDED');
    fake.emit(
      'pods/ns',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'api-new', namespace: 'ns', labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'ghcr.io/o/api@sha256:new' }] },
        status: { containerStatuses: [{ name: 'api', state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
      },
      'ADDED',
    );
    expect((await waiting).failures[0]!.reason).toBe(
      'ProgressDeadlineExceeded: timed out; pod api-new: CrashLoopBackOff in container api',
    );

    const alone = fakeWatcher();
    const started = Date.now();
    const result = await (async () => {
      const pending = waitForWorkloads([deployment({})], {
        watcher: alone.watcher,
        timeoutMs: 5000,
        logger: new MemoryLogger(),
      });
      alone.emit('deployments/ns', deadline, 'ADDED');
      return pending;
    })();
    expect(result.failures).toEqual([
      { workload: 'Deployment/ns/api', reason: 'ProgressDeadlineExceeded: timed out' },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(POD_DETAIL_GRACE_MS - 50);
  });

  test('a watch that ends is started again; the timeout names what was still pending', async () => {
    const fake = fakeWatcher();
    const waiting = waitForWorkloads([deployment({})], {
      watcher: fake.watcher,
      timeoutMs: 1500,
      logger: new MemoryLogger(),
    });
    fake.emit('deployments/ns', deployment({ ...done, availableReplicas: 1 }), 'ADDED');
    fake.open.get('deployments/ns')!.onEnd('stream closed');
    const result = await waiting;
    expect(fake.started.filter((id) => id === 'deployments/ns')).toHaveLength(2);
    expect(result.ok).toBe(false);
    expect(result.failures[0]!.reason).toBe('not available after 1.5s: 1 of 2 updated replicas available');
  });

  test('nothing to wait for resolves at once', async () => {
    const fake = fakeWatcher();
    await expect(
      waitForWorkloads([], { watcher: fake.watcher, timeoutMs: 10, logger: new MemoryLogger() }),
    ).resolves.toMatchObject({ ok: true });
    expect(fake.started).toEqual([]);
  });
});
