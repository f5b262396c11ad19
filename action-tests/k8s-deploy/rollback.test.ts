import { SecretRedactor, type Exec } from '@alt-las/action-kit';
import {
  ANNOTATIONS,
  applyableCopy,
  containersOf,
  diagnoseFailures,
  diagnosisMarkdown,
  Kubectl,
  planRollback,
  recordWorkloads,
  revisionOf,
  type KubeObject,
} from '@alt-las/kube';

/** kubectl that answers `get <resource>` from a table and `logs` with fixed text. */
function fakeKubectl(resources: Record<string, KubeObject[]>, logs = '') {
  const exec: Exec = async (_command, args) => {
    const verb = args.indexOf('get') >= 0 ? 'get' : args.indexOf('logs') >= 0 ? 'logs' : '';
    if (verb === 'logs') return { exitCode: 0, stdout: logs, stderr: '' };
    const resource = args[args.indexOf('get') + 1]!;
    return {
      exitCode: 0,
      stdout: JSON.stringify({ kind: 'List', items: resources[resource] ?? [] }),
      stderr: '',
    };
  };
  return new Kubectl(exec, { binary: 'kubectl' });
}

const deployment = (revision: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'api',
    namespace: 'ns',
    uid: 'uid-api',
    generation: 7,
    resourceVersion: '99',
    managedFields: [{ manager: 'x' }],
    annotations: { 'deployment.kubernetes.io/revision': revision, [ANNOTATIONS.version]: '1.1.0' },
    labels: { app: 'api' },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'api' } },
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image }] } },
  },
  status: { observedGeneration: 7 },
});

const replicaSet = (revision: number, version: string, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: `api-${revision}`,
    namespace: 'ns',
    ownerReferences: [{ uid: 'uid-api' }],
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
  },
  spec: {
    template: {
      metadata: {
        labels: { app: 'api', 'pod-template-hash': `h${revision}` },
        annotations: { [ANNOTATIONS.version]: version },
      },
      spec: { containers: [{ name: 'api', image }] },
    },
  },
});

test('revisions are read per kind, and a first install has none', () => {
  expect(revisionOf(deployment('4', 'x'))).toBe('4');
  expect(
    revisionOf({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      status: { currentRevision: 'db-1', updateRevision: 'db-2' },
    }),
  ).toBe('db-2');
  expect(revisionOf(undefined)).toBeNull();
  const records = recordWorkloads(
    [deployment('0', 'x'), { ...deployment('0', 'x'), metadata: { name: 'new', namespace: 'ns' } }],
    [deployment('4', 'x')],
  );
  expect([...records.values()].map((record) => [record.key, record.revision])).toEqual([
    ['Deployment/ns/api', '4'],
    ['Deployment/ns/new', null],
  ]);
});

test('a recorded object becomes an apply configuration without server-managed fields', () => {
  const copy = applyableCopy(deployment('4', 'old'));
  expect(copy.metadata).toEqual({
    name: 'api',
    namespace: 'ns',
    labels: { app: 'api' },
    annotations: { [ANNOTATIONS.version]: '1.1.0' },
  });
  expect(copy.status).toBeUndefined();
  expect((copy.spec as { replicas: number }).replicas).toBe(2);
});

test('rollback to a release picks the newest revision stamped with it; to a number, that revision', async () => {
  const kubectl = fakeKubectl({
    deployments: [deployment('5', 'img:1.2.0')],
    statefulsets: [],
    replicasets: [
      replicaSet(2, '1.0.0', 'img:1.0.0-first'),
      replicaSet(3, '1.1.0', 'img:1.1.0'),
      replicaSet(4, '1.0.0', 'img:1.0.0'),
      replicaSet(5, '1.2.0', 'img:1.2.0'),
    ],
  });
  const byVersion = await planRollback(kubectl, 'ns', 'v1.0.0');
  const template = (
    byVersion.objects[0]!.spec as {
      template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } };
    }
  ).template;
  expect(template.spec.containers[0]!.image).toBe('img:1.0.0');
  expect(template.metadata.labels).toEqual({ app: 'api' });
  const byRevision = await planRollback(kubectl, 'ns', '3');
  expect(containersOf(byRevision.objects[0]!)[0]!.image).toBe('img:1.1.0');
  await expect(planRollback(kubectl, 'ns', '0.9.0')).rejects.toThrow(
    /input "rollback-to": no workload in ns has a revision of release 0\.9\.0/,
  );
});

test('the diagnosis lists the failing pods, their events and log lines, with secrets redacted', async () => {
  const canary = 'canary-db-password-Jh27';
  const redactor = new SecretRedactor(() => undefined);
  redactor.add(canary);
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api-5-x', namespace: 'ns', labels: { app: 'api' } },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'api',
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1 } },
        },
      ],
    },
  };
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e1' },
    type: 'Warning',
    reason: 'BackOff',
    involvedObject: { kind: 'Pod', name: 'api-5-x' },
    message: `restarting, password=${canary}`,
  };
  const kubectl = fakeKubectl(
    { pods: [pod], events: [event as KubeObject] },
    `connecting with ${canary}\nfatal: auth failed\n`,
  );
  const [diagnosis] = await diagnoseFailures(
    [{ workload: 'Deployment/ns/api', reason: 'pod api-5-x: CrashLoopBackOff' }],
    [deployment('5', 'x')],
    { kubectl, redactor },
  );
  const markdown = diagnosisMarkdown([diagnosis!]);
  expect(markdown).toContain('pod `api-5-x` (Running): CrashLoopBackOff in container api (last exit 1)');
  expect(markdown).toContain('fatal: auth failed');
  expect(markdown).toContain('Warning BackOff Pod/api-5-x: restarting, password=***');
  expect(markdown).not.toContain(canary);
});
