import * as fs from 'node:fs';
import * as http from 'node:http';
import { parse as parseYaml } from 'yaml';
import { startKubeApi, type Scenario } from '../harness/kube-api';
import { deploymentYaml, eventually, namespaceYaml, startCluster, type Cluster } from './kubectl';

describe('the KubeApi interface', () => {
  let cluster: Cluster;
  let scenario: Scenario = 'success';

  beforeAll(async () => {
    cluster = await startCluster({ stepMs: 40, scenario: () => scenario });
    await cluster.ok(['apply', '--server-side', '-f', '-'], namespaceYaml('atlas'));
  });
  afterAll(() => cluster?.stop());

  test('url and kubeconfig point kubectl at 127.0.0.1; the written file is private', () => {
    expect(cluster.api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const config = parseYaml(cluster.api.kubeconfig());
    expect(config.clusters[0].cluster.server).toBe(cluster.api.url);
    expect(config['current-context']).toBe(config.contexts[0].name);
    const file = cluster.api.writeKubeconfig(cluster.dir);
    expect(fs.readFileSync(file, 'utf8')).toBe(cluster.api.kubeconfig());
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  test('objects() filters by kind and namespace and returns copies', async () => {
    await cluster.ok(['create', 'configmap', 'one', '-n', 'atlas']);
    await cluster.ok(['create', 'configmap', 'two', '-n', 'default']);
    expect(cluster.api.objects('ConfigMap', 'atlas').map((o) => o.metadata.name)).toEqual(['one']);
    expect(
      cluster.api
        .objects('ConfigMap')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['one', 'two']);
    expect(cluster.api.objects('Namespace').map((o) => o.metadata.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'atlas']),
    );
    cluster.api.objects('ConfigMap', 'atlas')[0]!.metadata.name = 'changed';
    expect(cluster.api.objects('ConfigMap', 'atlas')[0]!.metadata.name).toBe('one');
  });

  test('setScenario applies to the next rollout', async () => {
    await cluster.ok(
      ['apply', '--server-side', '-f', '-'],
      deploymentYaml('switch', 'ghcr.io/alt-las/switch:1', { replicas: 1 }),
    );
    expect(
      (await cluster.kubectl(['rollout', 'status', '-n', 'atlas', 'deployment/switch', '--timeout=10s']))
        .code,
    ).toBe(0);
    scenario = 'image-pull-failure';
    cluster.api.setScenario(() => 'crash-loop');
    await cluster.ok(
      ['apply', '--server-side', '-f', '-'],
      deploymentYaml('switch', 'ghcr.io/alt-las/switch:2', { replicas: 1 }),
    );
    const reason = await eventually(() => {
      const pod = cluster.api.objects('Pod', 'atlas').find((p) => p.spec.containers[0].image.endsWith(':2'));
      return pod?.status.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff'
        ? 'crash-loop'
        : undefined;
    });
    expect(reason).toBe('crash-loop');
  });
});

describe('stop()', () => {
  test('ends open watches and closes the port', async () => {
    const api = await startKubeApi({ stepMs: 20 });
    const ended = new Promise<string>((resolve) => {
      http.get(`${api.url}/api/v1/namespaces?watch=true`, (response) => {
        response.resume();
        response.on('close', () => resolve('closed'));
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await api.stop();
    await expect(ended).resolves.toBe('closed');
    await expect(fetch(`${api.url}/version`)).rejects.toThrow();
  });
});
