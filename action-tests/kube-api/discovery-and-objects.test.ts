import * as http from 'node:http';
import type { KubeObject } from '../harness/kube-api';
import { namespaceYaml, startCluster, type Cluster } from './kubectl';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.ok(['apply', '--server-side', '-f', '-'], namespaceYaml('atlas'));
});
afterAll(() => cluster?.stop());

/** Reads a watch stream until `count` events arrived (or 5 s passed). */
function readWatch(url: string, count: number): Promise<{ type: string; object: KubeObject }[]> {
  return new Promise((resolve, reject) => {
    const events: { type: string; object: KubeObject }[] = [];
    const finish = () => {
      clearTimeout(timer);
      request.destroy();
      resolve(events);
    };
    // Whatever arrived within 5 s: a missing event then shows in the assertion.
    const timer = setTimeout(finish, 5000);
    const request = http.get(url, (response) => {
      let buffer = '';
      response.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, newline)));
          buffer = buffer.slice(newline + 1);
          if (events.length >= count) finish();
        }
      });
    });
    request.on('error', (error) => (events.length >= count ? undefined : reject(error)));
  });
}

describe('discovery', () => {
  test('kubectl api-resources lists the core, workload, networking, policy, RBAC, autoscaling, storage and cert-manager kinds', async () => {
    const out = await cluster.ok(['api-resources', '--no-headers', '-o', 'name']);
    for (const name of [
      'pods',
      'services',
      'configmaps',
      'secrets',
      'namespaces',
      'events',
      'deployments.apps',
      'statefulsets.apps',
      'replicasets.apps',
      'controllerrevisions.apps',
      'jobs.batch',
      'cronjobs.batch',
      'ingresses.networking.k8s.io',
      'networkpolicies.networking.k8s.io',
      'poddisruptionbudgets.policy',
      'roles.rbac.authorization.k8s.io',
      'clusterrolebindings.rbac.authorization.k8s.io',
      'horizontalpodautoscalers.autoscaling',
      'storageclasses.storage.k8s.io',
      'issuers.cert-manager.io',
      'clusterissuers.cert-manager.io',
      'certificates.cert-manager.io',
    ])
      expect(out.split('\n')).toContain(name);
  });

  test('kubectl discovers everything in two aggregated requests; the per-group documents are served too', async () => {
    const before = cluster.api.requests.length;
    await cluster.ok(['get', 'pods', '-n', 'atlas', `--cache-dir=${cluster.dir}/fresh-cache`]);
    const discovery = cluster.api.requests.slice(before).filter((r) => /^\/apis?(\?|$)/.test(r.path));
    expect(discovery.map((r) => r.path.split('?')[0])).toEqual(['/api', '/apis']);
    const apps = JSON.parse(await cluster.ok(['get', '--raw', '/apis/apps/v1']));
    expect(apps.kind).toBe('APIResourceList');
    expect(apps.resources.map((r: KubeObject) => r.name)).toEqual(
      expect.arrayContaining([
        'deployments',
        'deployments/status',
        'deployments/scale',
        'statefulsets',
        'controllerrevisions',
      ]),
    );
  });

  test('kubectl version reports the server, and an unknown kind is refused by discovery', async () => {
    expect(await cluster.ok(['version', '-o', 'json'])).toMatch(
      /"serverVersion"[\s\S]*"gitVersion": "v1\.32/,
    );
    const result = await cluster.kubectl(
      ['apply', '--server-side', '-f', '-'],
      'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x, namespace: atlas}\n',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /no matches for kind "ServiceMonitor" in version "monitoring.coreos.com\/v1"/,
    );
  });
});

describe('objects', () => {
  test('create, get as table and JSON, list by label, delete', async () => {
    await cluster.ok(['create', 'configmap', 'settings', '-n', 'atlas', '--from-literal=LOG_LEVEL=info']);
    await cluster.ok(['label', 'configmap', 'settings', '-n', 'atlas', 'tier=backend']);
    const table = await cluster.ok(['get', 'configmaps', '-n', 'atlas', '-l', 'tier=backend']);
    expect(table).toMatch(/^NAME\s+AGE\nsettings\s+\d+s\n$/);
    const object = await cluster.json(['get', 'configmap', 'settings', '-n', 'atlas']);
    expect(object.data).toEqual({ LOG_LEVEL: 'info' });
    expect(object.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(object.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(await cluster.ok(['get', 'configmaps', '-n', 'atlas', '-l', 'tier=frontend', '-o', 'name'])).toBe(
      '',
    );
    await cluster.ok(['delete', 'configmap', 'settings', '-n', 'atlas']);
    const gone = await cluster.kubectl(['get', 'configmap', 'settings', '-n', 'atlas']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/configmaps "settings" not found/);
  });

  test('a duplicate create is AlreadyExists, and a missing namespace is NotFound', async () => {
    await cluster.ok(['create', 'serviceaccount', 'deployer', '-n', 'atlas']);
    const again = await cluster.kubectl(['create', 'serviceaccount', 'deployer', '-n', 'atlas']);
    expect(again.stderr).toMatch(/serviceaccounts "deployer" already exists/);
    const missing = await cluster.kubectl(['create', 'serviceaccount', 'deployer', '-n', 'nowhere']);
    expect(missing.stderr).toMatch(/namespaces "nowhere" not found/);
  });

  test('kubectl create of namespaces, secrets and config maps (protobuf bodies) stores what was sent', async () => {
    await cluster.ok(['create', 'namespace', 'typed']);
    await cluster.ok([
      'create',
      'secret',
      'generic',
      'api-gateway-secrets',
      '-n',
      'typed',
      '--from-literal=jwt-secret=canary-jwt-0042',
      '--type=Opaque',
    ]);
    await cluster.ok([
      'create',
      'configmap',
      'limits',
      '-n',
      'typed',
      '--from-literal=MAX=10',
      '--from-literal=MIN=1',
    ]);
    const secret = cluster.api.objects('Secret', 'typed')[0]!;
    expect(secret.metadata.name).toBe('api-gateway-secrets');
    expect(secret.type).toBe('Opaque');
    expect(Buffer.from(secret.data['jwt-secret'], 'base64').toString()).toBe('canary-jwt-0042');
    expect(cluster.api.objects('ConfigMap', 'typed')[0]!.data).toEqual({ MAX: '10', MIN: '1' });
    expect(cluster.api.requests).toContainEqual(
      expect.objectContaining({ method: 'POST', contentType: 'application/vnd.kubernetes.protobuf' }),
    );
  });

  test('a Secret from stringData is stored base64 in data, and cert-manager objects are accepted', async () => {
    await cluster.ok(
      ['apply', '--server-side', '-f', '-'],
      `apiVersion: v1
kind: Secret
metadata: {name: postgres-credentials, namespace: atlas}
stringData: {username: atlas, password: canary-Secret-42}
---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: letsencrypt}
spec:
  acme:
    email: ops@example.com
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef: {name: letsencrypt-account}
    solvers: [{http01: {ingress: {ingressClassName: nginx}}}]
`,
    );
    const secret = await cluster.json(['get', 'secret', 'postgres-credentials', '-n', 'atlas']);
    expect(secret.type).toBe('Opaque');
    expect(secret.stringData).toBeUndefined();
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('canary-Secret-42');
    expect(await cluster.ok(['get', 'clusterissuers', '-o', 'name'])).toBe(
      'clusterissuer.cert-manager.io/letsencrypt\n',
    );
  });

  test('invalid objects are refused with the field named', async () => {
    const result = await cluster.kubectl(
      ['apply', '--server-side', '-f', '-'],
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: broken, namespace: atlas}
spec:
  selector: {matchLabels: {app: broken}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: broken}]}
`,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/The Deployment "broken" is invalid/);
    expect(result.stderr).toMatch(/spec.template.spec.containers\[0\].image: Required value/);
    expect(result.stderr).toMatch(/selector. does not match template .labels/);
    expect(cluster.api.objects('Deployment', 'atlas')).toHaveLength(0);
  });

  test("unknown fields: refused under kubectl's strict validation, otherwise dropped with a warning", async () => {
    const typo = `apiVersion: apps/v1
kind: Deployment
metadata: {name: typo, namespace: atlas}
spec:
  replicas: 1
  selector: {matchLabels: {app: typo}}
  template:
    metadata: {labels: {app: typo}}
    spec:
      containers: [{name: typo, image: "nginx:1.27", imagePullPolcy: Always}]
`;
    const strict = await cluster.kubectl(['apply', '--server-side', '-f', '-'], typo);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(
      /strict decoding error: unknown field "spec.template.spec.containers\[0\].imagePullPolcy"/,
    );
    expect(cluster.api.objects('Deployment', 'atlas').map((d) => d.metadata.name)).not.toContain('typo');
    const warned = await cluster.kubectl(['apply', '--server-side', '--validate=warn', '-f', '-'], typo);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(
      /Warning: unknown field "spec.template.spec.containers\[0\].imagePullPolcy"/,
    );
    const stored = cluster.api.objects('Deployment', 'atlas').find((d) => d.metadata.name === 'typo')!;
    expect(stored.spec.template.spec.containers[0].imagePullPolcy).toBeUndefined();
    expect(stored.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  test('watch streams changes after a resourceVersion, filtered by field selector', async () => {
    await cluster.ok(['create', 'configmap', 'watched', '-n', 'atlas']);
    const list = JSON.parse(await cluster.ok(['get', '--raw', '/api/v1/namespaces/atlas/configmaps']));
    const from = list.metadata.resourceVersion;
    expect(Number(from)).toBeGreaterThan(0);
    const events = readWatch(
      `${cluster.api.url}/api/v1/namespaces/atlas/configmaps?watch=true&resourceVersion=${from}&fieldSelector=metadata.name%3Dwatched`,
      2,
    );
    await cluster.ok(['create', 'configmap', 'unrelated', '-n', 'atlas']);
    await cluster.ok(['label', 'configmap', 'watched', '-n', 'atlas', 'seen=yes']);
    await cluster.ok(['delete', 'configmap', 'watched', '-n', 'atlas']);
    const received = await events;
    expect(received.map((e) => [e.type, e.object.metadata.name, e.object.metadata.labels?.seen])).toEqual([
      ['MODIFIED', 'watched', 'yes'],
      ['DELETED', 'watched', 'yes'],
    ]);
    expect(Number(received[0]!.object.metadata.resourceVersion)).toBeGreaterThan(Number(from));
  });

  test('an object that starts or stops matching a watch selector arrives as ADDED or DELETED', async () => {
    await cluster.ok(['create', 'configmap', 'moving', '-n', 'atlas']);
    const events = readWatch(
      `${cluster.api.url}/api/v1/namespaces/atlas/configmaps?watch=true&labelSelector=tier%3Dbackend`,
      3,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await cluster.ok(['label', 'configmap', 'moving', '-n', 'atlas', 'tier=backend']);
    await cluster.ok(['annotate', 'configmap', 'moving', '-n', 'atlas', 'note=still-backend']);
    await cluster.ok(['label', 'configmap', 'moving', '-n', 'atlas', 'tier=frontend', '--overwrite']);
    expect((await events).map((e) => [e.type, e.object.metadata.labels?.tier])).toEqual([
      ['ADDED', 'backend'],
      ['MODIFIED', 'backend'],
      ['DELETED', 'frontend'],
    ]);
  });

  test('kubectl get --watch prints changes as they happen', async () => {
    const watching = cluster.kubectl([
      'get',
      'configmaps',
      '-n',
      'atlas',
      '--watch',
      '--output-watch-events',
      '--request-timeout=3s',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    await cluster.ok(['create', 'configmap', 'live', '-n', 'atlas']);
    const out = (await watching).stdout;
    expect(out).toMatch(/ADDED\s+live\s/);
  });

  test('deleting a namespace deletes what is in it', async () => {
    await cluster.ok(['create', 'namespace', 'scratch']);
    await cluster.ok(['create', 'configmap', 'a', '-n', 'scratch']);
    await cluster.ok(['delete', 'namespace', 'scratch']);
    expect(cluster.api.objects('ConfigMap', 'scratch')).toEqual([]);
    expect(cluster.api.objects('Namespace').map((n) => n.metadata.name)).not.toContain('scratch');
  });

  test('requests are recorded with method, path and content type', async () => {
    await cluster.ok(
      ['apply', '--server-side', '--field-manager=recorder', '-f', '-'],
      namespaceYaml('recorded'),
    );
    expect(cluster.api.requests).toContainEqual({
      method: 'PATCH',
      path: '/api/v1/namespaces/recorded?fieldManager=recorder&fieldValidation=Strict&force=false',
      contentType: 'application/apply-patch+yaml',
    });
  });
});
