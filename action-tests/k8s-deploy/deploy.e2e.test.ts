import * as fs from 'node:fs';
import * as path from 'node:path';
import { readReleaseManifest } from '@alt-las/release-model';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import { startKubeApi, type KubeApi, type Scenario } from '../harness/kube-api';
import { makeTempDir } from '../harness/paths';
import {
  CANARY_JWT,
  FIXTURE,
  deploy,
  digest,
  everythingVisible,
  releaseManifestFile,
  repository,
  running,
  withoutMaskCommands,
} from './deploy-helpers';

// Releases are told apart by digest: 'a' is 1.0.0, 'b' is 1.1.0; other fills choose a failure scenario.
const FAILURES: Record<string, Scenario> = {
  c: 'image-pull-failure',
  d: 'crash-loop',
  e: 'progress-deadline',
  f: 'unschedulable',
};

const chooseScenario = (workload: { images: string[] }): Scenario => {
  const fill = Object.keys(FAILURES).find((key) =>
    workload.images.some((image) => image.endsWith(digest(key))),
  );
  return fill ? FAILURES[fill]! : 'success';
};

let kube: KubeApi;
let dir: string;

beforeAll(async () => {
  kube = await startKubeApi({ stepMs: 40, scenario: chooseScenario });
  dir = makeTempDir('k8s-deploy-e2e');
});

afterAll(async () => {
  await kube.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const v1 = [`${repository('api-gateway')}:1.0.0@${digest('a')}`];
const v2 = [`${repository('api-gateway')}:1.1.0@${digest('b')}`];

test('first install applies everything in order, waits, and records revisions; the post step removes the kubeconfig', async () => {
  const { main, post } = await deploy(kube, dir, { version: '1.0.0', fill: 'a' });
  expect(main.exitCode).toBe(0);
  expect(main.outputs.result).toBe('deployed');
  expect(JSON.parse(main.outputs.revisions!)).toEqual({
    'Deployment/api-gateway': { before: null, after: '1' },
    'Deployment/archive-service': { before: null, after: '1' },
  });
  expect(running(kube, 'api-gateway')).toEqual({ template: v1, readyPods: v1 });
  const applies = kube.requests.filter(
    (request) =>
      request.method === 'PATCH' &&
      request.contentType === 'application/apply-patch+yaml' &&
      !request.path.includes('dryRun'),
  );
  expect(applies.map((request) => request.path.split('?')[0]!.split('/').slice(-2, -1)[0])).toEqual([
    'namespaces',
    'configmaps',
    'secrets',
    'services',
    'deployments',
    'deployments',
  ]);
  expect(applies.every((request) => request.path.includes('fieldManager=alt-las-deploy'))).toBe(true);
  const deployment = kube
    .objects('Deployment', 'atlas-test')
    .find((object) => object.metadata.name === 'api-gateway')!;
  expect(deployment.metadata.annotations['alt-las.dev/release-version']).toBe('1.0.0');
  expect(deployment.metadata.annotations['alt-las.dev/run-url']).toBe(
    'https://github.com/alt-las/alt-las/actions/runs/1',
  );
  const manifest = JSON.parse(fs.readFileSync(main.outputs['release-manifest']!, 'utf8'));
  expect(manifest.services[0].deploy).toMatchObject({
    result: 'deployed',
    workload: 'Deployment/api-gateway',
    image: v1[0],
    revisionBefore: null,
    revisionAfter: '1',
  });
  const secret = kube
    .objects('Secret', 'atlas-test')
    .find((object) => object.metadata.name === 'api-gateway-secrets')!;
  expect(Buffer.from(secret.data['jwt-secret'], 'base64').toString()).toBe(CANARY_JWT);
  // The kubeconfig was written 0600 under RUNNER_TEMP and is gone after the post step.
  const kubeconfigDir = main.state['kubeconfig-dir']!;
  expect(kubeconfigDir.startsWith(`${main.runnerDir}/temp/`)).toBe(true);
  expect(post.exitCode).toBe(0);
  expect(fs.existsSync(kubeconfigDir)).toBe(false);
  expect(withoutMaskCommands(everythingVisible(main))).not.toContain(CANARY_JWT);
  expect(withoutMaskCommands(everythingVisible(main))).not.toContain(
    Buffer.from(CANARY_JWT).toString('base64'),
  );
  // The kubeconfig's credential is masked as well.
  const token = /token: (\S+)/.exec(kube.kubeconfig())![1]!;
  expect(withoutMaskCommands(everythingVisible(main))).not.toContain(token);
  expect(main.stdout).toContain(`::add-mask::${token}`);
});

test('re-deploying the same release is unchanged and starts no rollout', async () => {
  const replicaSets = kube.objects('ReplicaSet', 'atlas-test').length;
  const { main } = await deploy(kube, dir, { version: '1.0.0', fill: 'a' });
  expect(main.exitCode).toBe(0);
  expect(main.outputs.result).toBe('unchanged');
  expect(JSON.parse(main.outputs.revisions!)['Deployment/api-gateway']).toEqual({ before: '1', after: '1' });
  expect(kube.objects('ReplicaSet', 'atlas-test')).toHaveLength(replicaSets);
  expect(main.summary).toContain('(no differences)');
});

test('release-manifest may be the directory of matrix fragments; they are merged and written to one file', async () => {
  const fragments = path.join(dir, 'fragments');
  for (const service of ['api-gateway', 'archive-service']) {
    const leg = path.join(fragments, `release-manifest-${service}`);
    fs.mkdirSync(leg, { recursive: true });
    fs.copyFileSync(
      releaseManifestFile(dir, '1.0.0', 'a', [service]),
      path.join(leg, 'release-manifest.json'),
    );
  }
  const { main } = await deploy(kube, dir, {
    version: '1.0.0',
    fill: 'a',
    inputs: { 'release-manifest': fragments },
  });
  expect([main.exitCode, main.outputs.result]).toEqual([0, 'unchanged']);
  const merged = readReleaseManifest(main.outputs['release-manifest']!);
  expect(merged.services.map((service) => [service.name, service.deploy?.result])).toEqual([
    ['api-gateway', 'unchanged'],
    ['archive-service', 'unchanged'],
  ]);
});

test('mode diff shows the new digests and applies nothing', async () => {
  const before = kube.requests.filter(
    (request) => request.method === 'PATCH' && !request.path.includes('dryRun'),
  ).length;
  // A rotated secret shows up as a changed Secret, never with either value.
  const rotated = 'canary-rotated-jwt-Pq72mx';
  const { main } = await deploy(kube, dir, {
    version: '1.1.0',
    fill: 'b',
    inputs: { mode: 'diff' },
    env: { JWT_SECRET_VALUE: rotated },
  });
  expect(main.exitCode).toBe(0);
  const diff = fs.readFileSync(main.outputs.diff!, 'utf8');
  expect(diff).toContain(`+        image: ${v2[0]}`);
  expect(diff).toContain(`-        image: ${v1[0]}`);
  expect(diff).toMatch(/v1\.Secret\.atlas-test\.api-gateway-secrets/);
  for (const value of [CANARY_JWT, rotated]) {
    expect(withoutMaskCommands(everythingVisible(main))).not.toContain(value);
    expect(withoutMaskCommands(everythingVisible(main))).not.toContain(Buffer.from(value).toString('base64'));
  }
  expect(
    kube.requests.filter((request) => request.method === 'PATCH' && !request.path.includes('dryRun')).length,
  ).toBe(before);
  expect(running(kube, 'api-gateway').template).toEqual(v1);
  expect(withoutMaskCommands(everythingVisible(main))).not.toContain(CANARY_JWT);
});

test('upgrading to new digests rolls both workloads out and reports revisions 1 -> 2', async () => {
  const { main } = await deploy(kube, dir, { version: '1.1.0', fill: 'b' });
  expect(main.exitCode).toBe(0);
  expect(main.outputs.result).toBe('deployed');
  expect(JSON.parse(main.outputs.revisions!)).toEqual({
    'Deployment/api-gateway': { before: '1', after: '2' },
    'Deployment/archive-service': { before: '1', after: '2' },
  });
  expect(running(kube, 'api-gateway')).toEqual({ template: v2, readyPods: v2 });
  // What the workflow rolls back to if verification of 1.1.0 fails.
  expect(main.outputs['previous-version']).toBe('1.0.0');
});

test.each(Object.entries(FAILURES))(
  'a rollout ending in %s is diagnosed and rolled back to the running release',
  async (fill, scenario) => {
    const { main } = await deploy(kube, dir, { version: `1.2.0-${fill}`, fill });
    expect(main.exitCode).toBe(1);
    expect(main.outputs.result).toBe('rolled-back');
    const error = main.annotations.find(
      (annotation) => annotation.level === 'error' && /rolled back to/.test(annotation.message),
    );
    // Kubernetes renumbers a revision it returns to, so the target is whatever was recorded before this run.
    const before = JSON.parse(main.outputs.revisions!)['Deployment/api-gateway'].before;
    expect(error?.message).toContain(
      `rolled back to Deployment/api-gateway revision ${before} (release 1.1.0), Deployment/archive-service revision`,
    );
    expect(main.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', properties: { title: 'Deployment/api-gateway' } }),
    );
    const reason = {
      'image-pull-failure': /ErrImagePull|ImagePullBackOff/,
      'crash-loop': /CrashLoopBackOff/,
      'progress-deadline': /ProgressDeadlineExceeded/,
      unschedulable: /Unschedulable/,
    }[scenario as string]!;
    expect(error?.message).toMatch(reason);
    expect(main.summary).toContain('### Why the rollout failed');
    expect(main.summary).toMatch(/pod `api-gateway-/);
    // The previous release is what runs again.
    expect(running(kube, 'api-gateway')).toEqual({ template: v2, readyPods: v2 });
    expect(withoutMaskCommands(everythingVisible(main))).not.toContain(CANARY_JWT);
  },
);

test('an apply conflict with another field manager fails clearly; force-conflicts takes the fields over', async () => {
  const kubeconfig = kube.writeKubeconfig(dir);
  const other = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-gateway-config\n  namespace: atlas-test\ndata:\n  LOG_LEVEL: debug\n`;
  const child = execFile('kubectl', [
    '--kubeconfig',
    kubeconfig,
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=platform-team',
    '-f',
    '-',
  ]);
  child.stdin!.end(other);
  await new Promise((resolve) => child.on('close', resolve));
  const conflicted = await deploy(kube, dir, { version: '1.1.0', fill: 'b' });
  expect(conflicted.main.exitCode).toBe(1);
  expect(conflicted.main.outputs.result).toBe('failed');
  expect(conflicted.main.stdout).toMatch(
    /::error::server-side apply conflicts with another field manager:.*platform-team/,
  );
  expect(conflicted.main.stdout).toMatch(/Set force-conflicts: true/);
  const forced = await deploy(kube, dir, {
    version: '1.1.0',
    fill: 'b',
    inputs: { 'force-conflicts': 'true' },
  });
  expect(forced.main.exitCode).toBe(0);
  expect(
    kube.objects('ConfigMap', 'atlas-test').find((object) => object.metadata.name === 'api-gateway-config')!
      .data.LOG_LEVEL,
  ).toBe('info');
});

test('mode rollback returns the namespace to an earlier release by version', async () => {
  const { main } = await deploy(kube, dir, {
    version: '1.1.0',
    fill: 'b',
    inputs: { mode: 'rollback', 'rollback-to': 'v1.0.0' },
  });
  expect(main.exitCode).toBe(0);
  expect(main.outputs.result).toBe('rolled-back');
  expect(running(kube, 'api-gateway')).toEqual({ template: v1, readyPods: v1 });
  expect(JSON.parse(main.outputs.revisions!)['Deployment/api-gateway'].before).not.toEqual(
    JSON.parse(main.outputs.revisions!)['Deployment/api-gateway'].after,
  );
  const missing = await deploy(kube, dir, {
    version: '1.1.0',
    fill: 'b',
    inputs: { mode: 'rollback', 'rollback-to': 'v0.9.0' },
  });
  expect(missing.main.exitCode).toBe(1);
  expect(missing.main.stdout).toMatch(
    /input "rollback-to": no workload in atlas-test has a revision of release 0\.9\.0/,
  );
});

test('prune deletes an object an earlier release applied and this one dropped, and nothing else', async () => {
  const withLegacy = `${FIXTURE}\naction-tests/k8s-deploy/fixtures/legacy`;
  expect(
    (await deploy(kube, dir, { version: '1.0.0', fill: 'a', inputs: { manifests: withLegacy } })).main
      .exitCode,
  ).toBe(0);
  const names = () => kube.objects('ConfigMap', 'atlas-test').map((object) => object.metadata.name);
  expect(names()).toContain('legacy-config');
  const kept = await deploy(kube, dir, { version: '1.0.0', fill: 'a' });
  expect(kept.main.exitCode).toBe(0);
  expect(names()).toContain('legacy-config');
  const pruned = await deploy(kube, dir, { version: '1.0.0', fill: 'a', inputs: { prune: 'true' } });
  expect(pruned.main.exitCode).toBe(0);
  expect(pruned.main.summary).toContain('Pruned: configmap/legacy-config');
  expect(names()).not.toContain('legacy-config');
  expect(names()).toContain('api-gateway-config');
});

test('the run is recorded as a GitHub Deployment with its final status, token kept out of sight', async () => {
  const token = 'canary-gh-token-Zt61';
  const calls: { path: string; auth?: string; body: Record<string, unknown> }[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      calls.push({
        path: request.url ?? '',
        auth: request.headers.authorization,
        body: JSON.parse(body || '{}'),
      });
      // The first answer is a transient outage, which is retried.
      if (calls.length === 1) {
        response.writeHead(503, { 'retry-after': '0' });
        response.end();
        return;
      }
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 42 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const { main } = await deploy(kube, dir, {
      version: '1.0.0',
      fill: 'a',
      inputs: {
        'github-token': token,
        environment: 'staging',
        'environment-url': 'https://api.alt-las.test',
      },
      env: { GITHUB_API_URL: `http://127.0.0.1:${port}` },
    });
    expect(main.exitCode).toBe(0);
    expect(calls.map((call) => call.path)).toEqual([
      '/repos/alt-las/alt-las/deployments',
      '/repos/alt-las/alt-las/deployments',
      '/repos/alt-las/alt-las/deployments/42/statuses',
    ]);
    expect(calls[0]!.auth).toBe(`Bearer ${token}`);
    expect(calls[0]!.body).toMatchObject({
      ref: '0123456789abcdef0123456789abcdef01234567',
      environment: 'staging',
    });
    expect(calls[2]!.body).toMatchObject({ state: 'success', environment_url: 'https://api.alt-las.test' });
    expect(withoutMaskCommands(everythingVisible(main))).not.toContain(token);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a slow rollout is waited for until every replica is available', async () => {
  kube.setScenario(() => 'slow');
  try {
    const { main } = await deploy(kube, dir, { version: '1.0.0', fill: 'a' });
    expect(main.exitCode).toBe(0);
    expect(main.outputs.result).toBe('unchanged');
    const { main: upgraded } = await deploy(kube, dir, { version: '1.1.1', fill: 'b' });
    expect(upgraded.exitCode).toBe(0);
    expect(upgraded.outputs.result).toBe('deployed');
    // When the action returns, only pods of the new release are ready: it waited out the slow start.
    const v111 = [`${repository('api-gateway')}:1.1.1@${digest('b')}`];
    expect(running(kube, 'api-gateway')).toEqual({ template: v111, readyPods: v111 });
  } finally {
    kube.setScenario(chooseScenario);
  }
});

test('wait: false applies and reports without waiting for the rollout', async () => {
  const { main } = await deploy(kube, dir, { version: '1.1.2', fill: 'b', inputs: { wait: 'false' } });
  expect(main.exitCode).toBe(0);
  expect(main.outputs.result).toBe('deployed');
  expect(main.summary).toContain('applied without waiting (wait: false)');
  expect(main.stdout).not.toContain('Waiting for');
  expect(running(kube, 'api-gateway').template).toEqual([
    `${repository('api-gateway')}:1.1.2@${digest('b')}`,
  ]);
});
