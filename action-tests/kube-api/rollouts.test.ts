import type { KubeObject, Scenario } from '../harness/kube-api';
import { SCENARIOS } from '../harness/kube-api';
import { deploymentYaml, eventually, namespaceYaml, sleep, startCluster, type Cluster } from './kubectl';

let cluster: Cluster;
const seen: { kind: string; name: string; images: string[] }[] = [];
const REGISTRY = 'ghcr.io/alt-las';

/** The image tag names the scenario (`...:crash-loop`), anything else rolls out successfully. */
const scenarioOf = (images: string[]): Scenario =>
  SCENARIOS.find((s) => images.some((image) => image.endsWith(`:${s}`))) ?? 'success';

beforeAll(async () => {
  cluster = await startCluster({
    stepMs: 50,
    scenario: (workload) => {
      seen.push(workload);
      return scenarioOf(workload.images);
    },
  });
  await cluster.ok(['apply', '--server-side', '-f', '-'], namespaceYaml('atlas'));
});
afterAll(() => cluster?.stop());

const deploy = (name: string, tag: string, options: Parameters<typeof deploymentYaml>[2] = {}) =>
  cluster.ok(
    ['apply', '--server-side', '--field-manager=alt-las-deploy', '--force-conflicts', '-f', '-'],
    deploymentYaml(name, `${REGISTRY}/${name}:${tag}`, options),
  );
const rolloutStatus = (target: string, timeout = '20s') =>
  cluster.kubectl(['rollout', 'status', '-n', 'atlas', target, `--timeout=${timeout}`]);
const podsOf = async (name: string) =>
  (await cluster.json(['get', 'pods', '-n', 'atlas', '-l', `app.kubernetes.io/name=${name}`]))
    .items as KubeObject[];
const imagesRunning = async (name: string) =>
  (await podsOf(name))
    .filter((pod) => pod.status.containerStatuses?.[0]?.ready)
    .map((pod) => pod.spec.containers[0].image)
    .sort();
const eventsFor = async (name: string) =>
  ((await cluster.json(['get', 'events', '-n', 'atlas'])).items as KubeObject[]).filter((e) =>
    String(e.involvedObject.name).startsWith(name),
  );

describe('Deployment rollouts', () => {
  test('a successful rollout: status fields, ReplicaSet revision, pods from the template, rollout status exits 0', async () => {
    await deploy('api-gateway', '1.0.0');
    const status = await rolloutStatus('deployment/api-gateway');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/deployment "api-gateway" successfully rolled out/);
    const deployment = await cluster.json(['get', 'deployment', 'api-gateway', '-n', 'atlas']);
    expect(deployment.status).toMatchObject({
      observedGeneration: deployment.metadata.generation,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    });
    const conditions = Object.fromEntries(
      (deployment.status.conditions as KubeObject[]).map((c) => [c.type, c]),
    );
    expect(conditions.Available).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(conditions.Progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(deployment.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    const sets = (
      await cluster.json(['get', 'rs', '-n', 'atlas', '-l', 'app.kubernetes.io/name=api-gateway'])
    ).items;
    expect(sets).toHaveLength(1);
    expect(sets[0].metadata.ownerReferences[0]).toMatchObject({
      kind: 'Deployment',
      name: 'api-gateway',
      controller: true,
    });
    const pods = await podsOf('api-gateway');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status.phase).toBe('Running');
      expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001 });
      expect(pod.metadata.labels['app.kubernetes.io/part-of']).toBe('alt-las');
      expect(pod.metadata.labels['pod-template-hash']).toBe(sets[0].metadata.labels['pod-template-hash']);
    }
    expect(seen).toContainEqual({
      kind: 'Deployment',
      namespace: 'atlas',
      name: 'api-gateway',
      images: [`${REGISTRY}/api-gateway:1.0.0`],
    });
    const table = await cluster.ok(['get', 'deployment', 'api-gateway', '-n', 'atlas']);
    expect(table).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\napi-gateway\s+2\/2\s+2\s+2\s+\d+s\n$/,
    );
  });

  test('an upgrade adds a revision; rollout history and undo (previous and --to-revision) work', async () => {
    await cluster.ok([
      'annotate',
      '-n',
      'atlas',
      'deployment/api-gateway',
      'kubernetes.io/change-cause=release 1.1.0',
    ]);
    await deploy('api-gateway', '1.1.0');
    expect((await rolloutStatus('deployment/api-gateway')).code).toBe(0);
    expect(await imagesRunning('api-gateway')).toEqual([
      `${REGISTRY}/api-gateway:1.1.0`,
      `${REGISTRY}/api-gateway:1.1.0`,
    ]);
    expect(await cluster.ok(['rollout', 'history', '-n', 'atlas', 'deployment/api-gateway'])).toMatch(
      /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+release 1.1.0\n/,
    );

    expect(await cluster.ok(['rollout', 'undo', '-n', 'atlas', 'deployment/api-gateway'])).toMatch(
      /rolled back/,
    );
    expect((await rolloutStatus('deployment/api-gateway')).code).toBe(0);
    expect(await imagesRunning('api-gateway')).toEqual([
      `${REGISTRY}/api-gateway:1.0.0`,
      `${REGISTRY}/api-gateway:1.0.0`,
    ]);
    // Rolling back re-uses the old ReplicaSet and moves it to a new revision number.
    expect(await cluster.ok(['rollout', 'history', '-n', 'atlas', 'deployment/api-gateway'])).toMatch(
      /^2\s.*\n3\s/m,
    );
    expect(
      (await cluster.json(['get', 'rs', '-n', 'atlas', '-l', 'app.kubernetes.io/name=api-gateway'])).items,
    ).toHaveLength(2);

    await cluster.ok(['rollout', 'undo', '-n', 'atlas', 'deployment/api-gateway', '--to-revision=2']);
    expect((await rolloutStatus('deployment/api-gateway')).code).toBe(0);
    expect(await imagesRunning('api-gateway')).toEqual([
      `${REGISTRY}/api-gateway:1.1.0`,
      `${REGISTRY}/api-gateway:1.1.0`,
    ]);
    const detail = await cluster.ok([
      'rollout',
      'history',
      '-n',
      'atlas',
      'deployment/api-gateway',
      '--revision=4',
    ]);
    expect(detail).toMatch(/Image:\s+ghcr.io\/alt-las\/api-gateway:1.1.0/);
  });

  test('a rolling update stays within maxSurge and maxUnavailable', async () => {
    await deploy('rolling', '1.0.0', { replicas: 4 });
    expect((await rolloutStatus('deployment/rolling')).code).toBe(0);
    await deploy('rolling', '2.0.0', { replicas: 4 });
    const samples: { total: number; ready: number }[] = [];
    const status = rolloutStatus('deployment/rolling');
    let done = false;
    void status.then(() => (done = true));
    while (!done) {
      const pods = cluster.api
        .objects('Pod', 'atlas')
        .filter((p) => p.metadata.labels['app.kubernetes.io/name'] === 'rolling');
      samples.push({
        total: pods.length,
        ready: pods.filter((p) =>
          p.status.conditions?.some((c: KubeObject) => c.type === 'Ready' && c.status === 'True'),
        ).length,
      });
      await sleep(10);
    }
    expect((await status).code).toBe(0);
    // 25% of 4: one extra pod at most, one unavailable at most.
    expect(Math.max(...samples.map((s) => s.total))).toBe(5);
    expect(Math.min(...samples.map((s) => s.ready))).toBeGreaterThanOrEqual(3);
    expect(await imagesRunning('rolling')).toEqual(Array(4).fill(`${REGISTRY}/rolling:2.0.0`));
  });

  test('image pull failure: new pods wait in ErrImagePull/ImagePullBackOff, old pods keep serving, the deadline passes', async () => {
    await deploy('segmentation-service', '1.0.0', { port: 8000, progressDeadlineSeconds: 120 });
    expect((await rolloutStatus('deployment/segmentation-service')).code).toBe(0);
    await deploy('segmentation-service', 'image-pull-failure', { port: 8000, progressDeadlineSeconds: 120 });
    const status = await rolloutStatus('deployment/segmentation-service');
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/deployment "segmentation-service" exceeded its progress deadline/);
    const waiting = (await podsOf('segmentation-service'))
      .map((pod) => pod.status.containerStatuses?.[0]?.state?.waiting?.reason)
      .filter(Boolean);
    // maxSurge 25% of 2 is one pod; maxUnavailable rounds down to none, so both old pods stay.
    expect(waiting).toEqual(['ImagePullBackOff']);
    expect(await imagesRunning('segmentation-service')).toEqual([
      `${REGISTRY}/segmentation-service:1.0.0`,
      `${REGISTRY}/segmentation-service:1.0.0`,
    ]);
    const messages = (await eventsFor('segmentation-service')).map(
      (e) => `${e.type} ${e.reason} ${e.message}`,
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^Warning Failed Failed to pull image "ghcr.io\/alt-las\/segmentation-service:image-pull-failure"/,
      ),
    );
    expect(messages).toContainEqual(expect.stringMatching(/^Normal BackOff Back-off pulling image/));
    const deployment = await cluster.json(['get', 'deployment', 'segmentation-service', '-n', 'atlas']);
    expect(deployment.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }),
    );
    const log = await cluster.kubectl([
      'logs',
      '-n',
      'atlas',
      waitingPod(await podsOf('segmentation-service')),
    ]);
    expect(log.stderr).toMatch(/is waiting to start: trying and failing to pull image/);

    await cluster.ok(['rollout', 'undo', '-n', 'atlas', 'deployment/segmentation-service']);
    expect((await rolloutStatus('deployment/segmentation-service')).code).toBe(0);
    expect((await podsOf('segmentation-service')).map((p) => p.spec.containers[0].image)).toEqual([
      `${REGISTRY}/segmentation-service:1.0.0`,
      `${REGISTRY}/segmentation-service:1.0.0`,
    ]);
  });

  test('crash loop: CrashLoopBackOff with a rising restart count, BackOff events and the crash in the log', async () => {
    await deploy('ai-orchestrator', 'crash-loop', { port: 8001, replicas: 1 });
    const restarts = async () =>
      (await podsOf('ai-orchestrator'))[0]?.status.containerStatuses?.[0]?.restartCount ?? 0;
    const first = await eventually(async () => ((await restarts()) >= 1 ? restarts() : undefined));
    await sleep(300);
    expect(await restarts()).toBeGreaterThan(first);
    const [pod] = await podsOf('ai-orchestrator');
    expect(pod!.status.containerStatuses[0]).toMatchObject({
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    const reasons = (await eventsFor('ai-orchestrator')).map((e) => e.reason);
    expect(reasons).toContain('BackOff');
    expect(reasons).not.toContain('Unhealthy');
    expect(await cluster.ok(['logs', '-n', 'atlas', pod!.metadata.name, '--previous'])).toMatch(/FATAL/);
    const log = await cluster.ok(['logs', '-n', 'atlas', pod!.metadata.name, '--tail=2']);
    expect(log.trim().split('\n')).toHaveLength(2);
    expect(log).toMatch(/FATAL ai-orchestrator exiting with status 1/);
  });

  test('progress deadline: pods run but never become ready, Progressing turns False and rollout status fails', async () => {
    await deploy('archive-service', 'progress-deadline', {
      port: 9000,
      replicas: 1,
      progressDeadlineSeconds: 60,
    });
    const status = await rolloutStatus('deployment/archive-service');
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/exceeded its progress deadline/);
    const [pod] = await podsOf('archive-service');
    expect(pod!.status.phase).toBe('Running');
    expect(pod!.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'False' }),
    );
    expect((await eventsFor('archive-service')).map((e) => e.reason)).toContain('Unhealthy');
  });

  test('unschedulable: pods stay Pending with PodScheduled False and a FailedScheduling event', async () => {
    await deploy('unplaceable', 'unschedulable', { replicas: 1 });
    const pod = await eventually(async () => (await podsOf('unplaceable'))[0]);
    expect(pod.status.phase).toBe('Pending');
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }),
    );
    const event = (await eventsFor('unplaceable')).find((e) => e.reason === 'FailedScheduling');
    expect(event).toMatchObject({ type: 'Warning', source: { component: 'default-scheduler' } });
  });

  test('slow: the rollout takes several steps but completes', async () => {
    const started = Date.now();
    await deploy('slowpoke', 'slow', { replicas: 1 });
    const waited = cluster.kubectl([
      'rollout',
      'status',
      '-n',
      'atlas',
      'deployment/slowpoke',
      '--timeout=20s',
    ]);
    // Read in-process: a kubectl round trip could take longer than the pod needs.
    const midway = await eventually(() =>
      cluster.api
        .objects('Pod', 'atlas')
        .find((p) => p.metadata.labels['app.kubernetes.io/name'] === 'slowpoke'),
    );
    expect(midway.status.containerStatuses?.[0]?.ready ?? false).toBe(false);
    expect((await waited).code).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 50);
  });
});

function waitingPod(pods: KubeObject[]): string {
  return pods.find((pod) => pod.status.containerStatuses?.[0]?.state?.waiting)!.metadata.name;
}

describe('StatefulSet, DaemonSet and Job', () => {
  const statefulSet = (image: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres, namespace: atlas}
spec:
  serviceName: postgres
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: postgres}}
  template:
    metadata: {labels: {app.kubernetes.io/name: postgres, app.kubernetes.io/part-of: alt-las}}
    spec:
      containers: [{name: postgres, image: "${image}", ports: [{containerPort: 5432}]}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

  test('ordered pods, controller revisions, rollout status, history and undo', async () => {
    await cluster.ok(['apply', '--server-side', '-f', '-'], statefulSet('postgres:16.4'));
    const first = await rolloutStatus('statefulset/postgres');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/roll(ing update|ed out|\s*out) complete|partitioned roll out complete/);
    expect((await podsOf('postgres')).map((p) => p.metadata.name)).toEqual(['postgres-0', 'postgres-1']);
    expect(
      (await cluster.json(['get', 'pvc', '-n', 'atlas'])).items.map((p: KubeObject) => p.metadata.name),
    ).toEqual(['data-postgres-0', 'data-postgres-1']);
    await cluster.ok(['apply', '--server-side', '-f', '-'], statefulSet('postgres:16.5'));
    expect((await rolloutStatus('statefulset/postgres')).code).toBe(0);
    let sts = await cluster.json(['get', 'statefulset', 'postgres', '-n', 'atlas']);
    expect(sts.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
      currentRevision: sts.status.updateRevision,
    });
    expect((await podsOf('postgres')).map((p) => p.spec.containers[0].image)).toEqual([
      'postgres:16.5',
      'postgres:16.5',
    ]);
    expect(await cluster.ok(['rollout', 'history', '-n', 'atlas', 'statefulset/postgres'])).toMatch(
      /^1\s.*\n2\s/m,
    );

    await cluster.ok(['rollout', 'undo', '-n', 'atlas', 'statefulset/postgres']);
    expect((await rolloutStatus('statefulset/postgres')).code).toBe(0);
    sts = await cluster.json(['get', 'statefulset', 'postgres', '-n', 'atlas']);
    expect(sts.spec.template.spec.containers[0].image).toBe('postgres:16.4');
    expect((await podsOf('postgres')).map((p) => p.spec.containers[0].image)).toEqual([
      'postgres:16.4',
      'postgres:16.4',
    ]);
    expect(await cluster.ok(['rollout', 'history', '-n', 'atlas', 'statefulset/postgres'])).toMatch(
      /^2\s.*\n3\s/m,
    );
  });

  test('a StatefulSet stuck on a broken pod stays stuck after undo until that pod is deleted (as on a real cluster)', async () => {
    // `rollout undo` made its manager the owner of the image, so the next apply needs to force.
    await cluster.ok(
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      statefulSet('postgres:crash-loop'),
    );
    await eventually(async () =>
      (await podsOf('postgres')).some(
        (p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
      )
        ? true
        : undefined,
    );
    await cluster.ok(['rollout', 'undo', '-n', 'atlas', 'statefulset/postgres']);
    expect((await rolloutStatus('statefulset/postgres', '1s')).code).toBe(1);
    await cluster.ok(['delete', 'pod', 'postgres-1', '-n', 'atlas']);
    expect((await rolloutStatus('statefulset/postgres')).code).toBe(0);
    expect((await podsOf('postgres')).map((p) => p.spec.containers[0].image)).toEqual([
      'postgres:16.4',
      'postgres:16.4',
    ]);
  });

  test('a DaemonSet runs one pod on the node; a Job completes', async () => {
    await cluster.ok(
      ['apply', '--server-side', '-f', '-'],
      `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: log-shipper, namespace: atlas}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: log-shipper}}
  template:
    metadata: {labels: {app.kubernetes.io/name: log-shipper}}
    spec: {containers: [{name: shipper, image: "grafana/promtail:3.0.0"}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: atlas}
spec:
  template:
    spec: {containers: [{name: migrate, image: "ghcr.io/alt-las/migrate:1.0.0"}]}
`,
    );
    expect((await rolloutStatus('daemonset/log-shipper')).stdout).toMatch(
      /daemon set "log-shipper" successfully rolled out/,
    );
    await cluster.ok(['wait', '-n', 'atlas', '--for=condition=Complete', 'job/migrate', '--timeout=10s']);
    const job = await cluster.json(['get', 'job', 'migrate', '-n', 'atlas']);
    expect(job.status.succeeded).toBe(1);
  });

  test('a pod created directly is scheduled and run by its own scenario', async () => {
    await cluster.ok(['run', 'smoke', '-n', 'atlas', '--image=busybox:1.36', '--restart=Never']);
    await cluster.ok(['wait', '-n', 'atlas', '--for=condition=Ready', 'pod/smoke', '--timeout=10s']);
    const pod = await cluster.json(['get', 'pod', 'smoke', '-n', 'atlas']);
    expect(pod.spec.nodeName).toBe('standin-node');
    expect(await cluster.ok(['logs', '-n', 'atlas', 'smoke'])).toMatch(
      /INFO smoke starting, image busybox:1.36/,
    );
    const previous = await cluster.kubectl(['logs', '-n', 'atlas', 'smoke', '--previous']);
    expect(previous.stderr).toMatch(/previous terminated container "smoke" in pod "smoke" not found/);
    expect(seen).toContainEqual({ kind: 'Pod', namespace: 'atlas', name: 'smoke', images: ['busybox:1.36'] });
  });
});
