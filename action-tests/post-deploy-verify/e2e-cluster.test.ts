import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { json, startTestServer, type TestServer } from '../harness/http';
import { startKubeApi, type KubeApi } from '../harness/kube-api';
import { makeTempDir } from '../harness/paths';
import { runAction } from '../harness/run-action';

jest.setTimeout(180_000);

const run = promisify(execFile);
let kube: KubeApi;
let service: TestServer;
let dir: string;
let kubeconfigFile: string;

interface Container {
  privileged?: boolean;
  runAsNonRoot?: boolean;
}

/** A Deployment labelled like the ALT_LAS manifests, with the given container security context. */
function deployment(namespace: string, name: string, container: Container = { runAsNonRoot: true }) {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'alt-las' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name,
              image: `127.0.0.1:5000/alt-las/alt-las-${name}:1.0.0`,
              securityContext: {
                ...(container.privileged ? { privileged: true } : { allowPrivilegeEscalation: false }),
                ...(container.runAsNonRoot ? { runAsNonRoot: true, runAsUser: 10001 } : {}),
              },
            },
          ],
        },
      },
    },
  };
}

const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec,
});

async function apply(objects: object[]): Promise<void> {
  const file = path.join(dir, `apply-${Date.now()}.yaml`);
  fs.writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  await run('kubectl', ['apply', '-f', file, '--cache-dir', path.join(dir, 'cache')], {
    env: { ...process.env, KUBECONFIG: kubeconfigFile },
  });
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const podsReady = (namespace: string) =>
  kube
    .objects('Pod', namespace)
    .filter((pod) =>
      pod.status?.conditions?.some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      ),
    ).length;

beforeAll(async () => {
  dir = makeTempDir('verify-cluster');
  kube = await startKubeApi({
    stepMs: 50,
    scenario: (workload) =>
      workload.namespace === 'atlas-broken' && workload.name === 'archive-service' ? 'crash-loop' : 'success',
  });
  kubeconfigFile = kube.writeKubeconfig(dir);
  service = await startTestServer({ routes: { '/health': json(200, { status: 'ok' }) } });

  const locked = 'atlas-locked';
  const broken = 'atlas-broken';
  await apply([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: locked } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: broken } },
  ]);
  await apply([
    ...['api-gateway', 'segmentation-service', 'ai-orchestrator', 'archive-service'].map((name) =>
      deployment(locked, name),
    ),
    policy(locked, 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    policy(locked, 'gateway-ingress', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api-gateway' } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 3000 }] }],
    }),
    deployment(broken, 'api-gateway'),
    deployment(broken, 'segmentation-service', { privileged: true, runAsNonRoot: true }),
    deployment(broken, 'ai-orchestrator', {}),
    deployment(broken, 'archive-service'),
    policy(broken, 'gateway-ingress', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api-gateway' } },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 3000 }] }],
    }),
  ]);
  await waitFor(() => podsReady(locked) === 4 && podsReady(broken) === 3, 'pods of both namespaces');
});

afterAll(async () => {
  await kube?.stop();
  await service?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function verifyCluster(namespace: string, kubeconfig: string) {
  const checks = path.join(dir, `checks-${namespace}.yaml`);
  fs.writeFileSync(
    checks,
    stringify({
      health: [{ service: 'api-gateway', url: '/health' }],
      smoke: false,
      load: false,
      security: false,
    }),
  );
  const result = await runAction('post-deploy-verify', {
    // A private HOME keeps kubectl's discovery cache from outliving this stand-in.
    env: { HOME: makeTempDir('verify-home') },
    inputs: { 'base-url': service.url, 'checks-file': checks, namespace, kubeconfig, 'fail-on': 'cluster' },
  });
  const report = JSON.parse(fs.readFileSync(result.outputs.report!, 'utf8'));
  const cluster = Object.fromEntries(
    report.checks
      .filter((check: { category: string }) => check.category === 'cluster')
      .map((check: { name: string; status: string; message: string }) => [
        check.name,
        `${check.status}: ${check.message}`,
      ]),
  );
  return { result, cluster };
}

test('a locked-down namespace passes every cluster check (kubeconfig given as base64)', async () => {
  const { result, cluster } = await verifyCluster(
    'atlas-locked',
    Buffer.from(kube.kubeconfig()).toString('base64'),
  );
  expect(result.exitCode).toBe(0);
  expect(cluster).toEqual({
    'pods ready': 'pass: all 4 pods are Ready',
    'default-deny policy': 'pass: default deny by default-deny-all',
    'network policy coverage': 'pass: every pod is selected by ingress and egress policies',
    'privileged containers': 'pass: no container runs privileged',
    'non-root containers': 'pass: every container is required to run as a non-root user',
  });
  // The action read the namespace through the API with real kubectl.
  expect(
    kube.requests.some((request) => request.path.startsWith('/api/v1/namespaces/atlas-locked/pods')),
  ).toBe(true);
  expect(
    kube.requests.some((request) =>
      request.path.startsWith('/apis/networking.k8s.io/v1/namespaces/atlas-locked/networkpolicies'),
    ),
  ).toBe(true);
  // The kubeconfig's token is a credential: masked for the runner, absent from everything written.
  const log = result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(result.stdout).toContain('::add-mask::standin-token');
  for (const text of [log, result.summary, fs.readFileSync(result.outputs.report!, 'utf8')])
    expect(text).not.toContain('standin-token');
  // The kubeconfig written for kubectl is removed when the step ends.
  expect(fs.existsSync(path.join(result.runnerDir, 'temp', 'post-deploy-verify', 'kubeconfig'))).toBe(false);
});

test('a crash-looping pod, missing policies and unsafe containers each fail with names', async () => {
  const { result, cluster } = await verifyCluster('atlas-broken', kube.kubeconfig());
  expect(result.exitCode).toBe(1);
  expect(result.outputs.verdict).toBe('fail');
  expect(cluster['pods ready']).toMatch(
    /^fail: 1 of 4 pods not Ready: archive-service-[a-z0-9]+-[a-z0-9]+ \(archive-service CrashLoopBackOff\)$/,
  );
  expect(cluster['default-deny policy']).toMatch(
    /^fail: no NetworkPolicy denies all ingress and egress traffic by default/,
  );
  expect(cluster['network policy coverage']).toMatch(
    /^fail: not selected by any policy: .*api-gateway-[^ ]+ \(egress\)/,
  );
  expect(cluster['network policy coverage']).not.toMatch(/api-gateway-[^ ]+ \(ingress\)/);
  expect(cluster['privileged containers']).toMatch(
    /^fail: privileged: segmentation-service-[^/]+\/segmentation-service$/,
  );
  expect(cluster['non-root containers']).toMatch(
    /^fail: may run as root: ai-orchestrator-[^/]+\/ai-orchestrator \(neither runAsNonRoot: true nor a non-zero runAsUser\)$/,
  );
  expect(
    JSON.parse(result.outputs.failures!)
      .map((failure: { name: string }) => failure.name)
      .sort(),
  ).toEqual([
    'default-deny policy',
    'network policy coverage',
    'non-root containers',
    'pods ready',
    'privileged containers',
  ]);
});

test('without kubeconfig the cluster checks are reported as skipped, not passed', async () => {
  const { result, cluster } = await verifyCluster('atlas-locked', '');
  expect(result.exitCode).toBe(0);
  expect(cluster).toEqual({ cluster: 'skip: not run: no kubeconfig input and KUBECONFIG is not set' });
  expect(result.summary).toMatch(/\| cluster \| 0 \| 0 \| 1 \| yes \|/);
});
