import type { KubeObject } from '../harness/kube-api';
import { deploymentYaml, namespaceYaml, startCluster, type Cluster } from './kubectl';

let cluster: Cluster;
const IMAGE = 'ghcr.io/alt-las/alt-las-api-gateway:1.0.0';

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.ok(['apply', '--server-side', '-f', '-'], namespaceYaml('atlas'));
});
afterAll(() => cluster?.stop());

const apply = (manager: string, yaml: string, ...extra: string[]) =>
  cluster.kubectl(['apply', '--server-side', `--field-manager=${manager}`, ...extra, '-f', '-'], yaml);
const getDeployment = (name: string) =>
  cluster.json(['get', 'deployment', name, '-n', 'atlas', '--show-managed-fields']);
const managers = (object: KubeObject) =>
  (object.metadata.managedFields as KubeObject[]).map((entry) => `${entry.manager}/${entry.operation}`);
const owns = (object: KubeObject, manager: string, ...path: string[]) => {
  let node = (object.metadata.managedFields as KubeObject[]).find((e) => e.manager === manager)?.fieldsV1;
  for (const segment of path) node = node?.[segment];
  return node !== undefined;
};

describe('server-side apply', () => {
  test('creates the object, records the manager, and an identical re-apply changes nothing', async () => {
    expect((await apply('alt-las-deploy', deploymentYaml('gateway', IMAGE))).stdout).toBe(
      'deployment.apps/gateway serverside-applied\n',
    );
    const first = await getDeployment('gateway');
    expect(managers(first)).toEqual(['alt-las-deploy/Apply']);
    expect(
      owns(
        first,
        'alt-las-deploy',
        'f:spec',
        'f:template',
        'f:spec',
        'f:containers',
        'k:{"name":"gateway"}',
        'f:image',
      ),
    ).toBe(true);
    expect(first.metadata.generation).toBe(1);
    await apply('alt-las-deploy', deploymentYaml('gateway', IMAGE));
    const second = await getDeployment('gateway');
    expect(second.metadata.resourceVersion).toBe(
      cluster.api.objects('Deployment', 'atlas')[0]!.metadata.resourceVersion,
    );
    expect(second.metadata.generation).toBe(1);
    expect(second.metadata.managedFields).toEqual(first.metadata.managedFields);
  });

  test('another manager changing an owned field gets a 409 conflict naming the owner and the field', async () => {
    const result = await apply('someone-else', deploymentYaml('gateway', IMAGE, { replicas: 5 }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Apply failed with 1 conflict: conflict with "alt-las-deploy" using apps\/v1: \.spec\.replicas/,
    );
    expect((await getDeployment('gateway')).spec.replicas).toBe(2);
    const raw = cluster.api.requests.filter(
      (r) => r.method === 'PATCH' && r.path.includes('fieldManager=someone-else'),
    );
    expect(raw.at(-1)?.path).toContain('force=false');
  });

  test('the same value applied by a second manager is shared ownership, not a conflict', async () => {
    const result = await apply('co-owner', deploymentYaml('gateway', IMAGE));
    expect(result.code).toBe(0);
    const object = await getDeployment('gateway');
    expect(owns(object, 'co-owner', 'f:spec', 'f:replicas')).toBe(true);
    expect(owns(object, 'alt-las-deploy', 'f:spec', 'f:replicas')).toBe(true);
  });

  test('--force-conflicts takes the field over and the previous owner loses it', async () => {
    const result = await apply(
      'someone-else',
      deploymentYaml('gateway', IMAGE, { replicas: 3 }),
      '--force-conflicts',
    );
    expect(result.code).toBe(0);
    const object = await getDeployment('gateway');
    expect(object.spec.replicas).toBe(3);
    expect(object.metadata.generation).toBe(2);
    expect(owns(object, 'someone-else', 'f:spec', 'f:replicas')).toBe(true);
    expect(owns(object, 'alt-las-deploy', 'f:spec', 'f:replicas')).toBe(false);
    expect(owns(object, 'co-owner', 'f:spec', 'f:replicas')).toBe(false);
  });

  test('a field the manager stops applying is removed when nobody else owns it', async () => {
    const withLabel = deploymentYaml('labelled', IMAGE).replace('  labels:\n', '  labels:\n    tier: edge\n');
    await apply('alt-las-deploy', withLabel);
    expect((await getDeployment('labelled')).metadata.labels.tier).toBe('edge');
    await apply('alt-las-deploy', deploymentYaml('labelled', IMAGE));
    const object = await getDeployment('labelled');
    expect(object.metadata.labels.tier).toBeUndefined();
    expect(object.metadata.labels['app.kubernetes.io/name']).toBe('labelled');
  });

  test('a field one co-owner stops applying stays while another manager still owns it', async () => {
    const labelled = (name: string) =>
      deploymentYaml(name, IMAGE).replace('  labels:\n', '  labels:\n    team: platform\n');
    await apply('first', labelled('shared'));
    await apply('second', labelled('shared'));
    await apply('first', deploymentYaml('shared', IMAGE));
    let object = await getDeployment('shared');
    expect(object.metadata.labels.team).toBe('platform');
    expect(owns(object, 'first', 'f:metadata', 'f:labels', 'f:team')).toBe(false);
    await apply('second', deploymentYaml('shared', IMAGE));
    object = await getDeployment('shared');
    expect(object.metadata.labels.team).toBeUndefined();
  });

  test('the 409 is a Status with reason Conflict and one cause per field', async () => {
    const response = await fetch(
      `${cluster.api.url}/apis/apps/v1/namespaces/atlas/deployments/gateway?fieldManager=raw-client`,
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: deploymentYaml('gateway', 'ghcr.io/alt-las/other:9', { replicas: 8 }),
      },
    );
    expect(response.status).toBe(409);
    const status = (await response.json()) as KubeObject;
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409 });
    // One cause per owner of each field: the image has three co-owners by now.
    const causes = (status.details.causes as KubeObject[]).map((c) => `${c.message}: ${c.field}`).sort();
    expect(causes).toEqual([
      'conflict with "alt-las-deploy" using apps/v1: .spec.template.spec.containers[name="gateway"].image',
      'conflict with "co-owner" using apps/v1: .spec.template.spec.containers[name="gateway"].image',
      'conflict with "someone-else" using apps/v1: .spec.replicas',
      'conflict with "someone-else" using apps/v1: .spec.template.spec.containers[name="gateway"].image',
    ]);
    expect(status.message).toMatch(/^Apply failed with 4 conflicts: /);
  });

  test('an imperative image change makes its manager the owner, so a later apply of another image conflicts', async () => {
    await apply('alt-las-deploy', deploymentYaml('imperative', IMAGE));
    await cluster.ok([
      'set',
      'image',
      '-n',
      'atlas',
      'deployment/imperative',
      'imperative=ghcr.io/alt-las/x:hotfix',
    ]);
    const result = await apply('alt-las-deploy', deploymentYaml('imperative', 'ghcr.io/alt-las/x:2.0.0'));
    expect(result.stderr).toMatch(
      /conflict with "kubectl-set" using apps\/v1: \.spec\.template\.spec\.containers\[name="imperative"\]\.image/,
    );
    expect(
      (
        await apply(
          'alt-las-deploy',
          deploymentYaml('imperative', 'ghcr.io/alt-las/x:2.0.0'),
          '--force-conflicts',
        )
      ).code,
    ).toBe(0);
  });
});

describe('dry run and diff', () => {
  test('apply --dry-run=server reports the result without storing it', async () => {
    const before = await getDeployment('gateway');
    const out = await cluster.ok(
      ['apply', '--server-side', '--field-manager=someone-else', '--dry-run=server', '-o', 'json', '-f', '-'],
      deploymentYaml('gateway', IMAGE, { replicas: 7 }),
    );
    expect(JSON.parse(out).spec.replicas).toBe(7);
    const after = await getDeployment('gateway');
    expect(after.spec.replicas).toBe(before.spec.replicas);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(cluster.api.requests.some((r) => r.path.includes('dryRun=All'))).toBe(true);
  });

  test('create --dry-run=server stores nothing', async () => {
    await cluster.ok(['create', 'configmap', 'dry', '-n', 'atlas', '--dry-run=server']);
    expect(cluster.api.objects('ConfigMap', 'atlas').map((c) => c.metadata.name)).not.toContain('dry');
  });

  test('kubectl diff --server-side shows the change (exit 1), nothing for an unchanged object (exit 0), and stores nothing', async () => {
    const changed = await cluster.kubectl(
      ['diff', '--server-side', '--field-manager=someone-else', '--force-conflicts', '-f', '-'],
      deploymentYaml('gateway', 'ghcr.io/alt-las/alt-las-api-gateway:1.1.0', { replicas: 3 }),
    );
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^-\s+- image: ghcr.io\/alt-las\/alt-las-api-gateway:1.0.0$/m);
    expect(changed.stdout).toMatch(/^\+\s+- image: ghcr.io\/alt-las\/alt-las-api-gateway:1.1.0$/m);
    expect(changed.stdout).toMatch(/^-\s+generation: 2$/m);
    expect((await getDeployment('gateway')).spec.template.spec.containers[0].image).toBe(IMAGE);

    const same = await cluster.kubectl(
      ['diff', '--server-side', '--field-manager=someone-else', '-f', '-'],
      deploymentYaml('gateway', IMAGE, { replicas: 3 }),
    );
    expect(same).toMatchObject({ code: 0, stdout: '' });

    const fresh = await cluster.kubectl(
      ['diff', '--server-side', '-f', '-'],
      deploymentYaml('not-yet', IMAGE),
    );
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toMatch(/^\+\s+name: not-yet$/m);
    expect(cluster.api.objects('Deployment', 'atlas').map((d) => d.metadata.name)).not.toContain('not-yet');
  });

  test('a conflicting diff fails like the apply would, unless forced', async () => {
    const result = await cluster.kubectl(
      ['diff', '--server-side', '--field-manager=alt-las-deploy', '-f', '-'],
      deploymentYaml('gateway', IMAGE, { replicas: 9 }),
    );
    expect(result.code).toBeGreaterThan(1);
    expect(result.stderr).toMatch(/conflict with "someone-else"/);
  });
});

describe('patches', () => {
  test('annotate, strategic merge by container name, JSON merge patch and JSON patch', async () => {
    await apply('alt-las-deploy', deploymentYaml('patched', IMAGE));
    await cluster.ok(['annotate', '-n', 'atlas', 'deployment/patched', 'alt-las.io/version=1.0.0']);
    await cluster.ok([
      'patch',
      '-n',
      'atlas',
      'deployment/patched',
      '--type=strategic',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}',
    ]);
    await cluster.ok([
      'patch',
      '-n',
      'atlas',
      'deployment/patched',
      '--type=merge',
      '-p',
      '{"spec":{"minReadySeconds":5}}',
    ]);
    await cluster.ok([
      'patch',
      '-n',
      'atlas',
      'deployment/patched',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":1}]',
    ]);
    const object = await getDeployment('patched');
    expect(object.metadata.annotations['alt-las.io/version']).toBe('1.0.0');
    expect(object.spec.template.spec.containers.map((c: KubeObject) => c.name)).toEqual([
      'patched',
      'sidecar',
    ]);
    expect(object.spec.minReadySeconds).toBe(5);
    expect(object.spec.replicas).toBe(1);
    expect(managers(object)).toEqual(
      expect.arrayContaining(['alt-las-deploy/Apply', 'kubectl-annotate/Update', 'kubectl-patch/Update']),
    );
    const failed = await cluster.kubectl([
      'patch',
      '-n',
      'atlas',
      'deployment/patched',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/nothing/here","value":1}]',
    ]);
    expect(failed.code).toBe(1);
  });

  test('strategic merge directives: $patch delete of a list item, $patch replace of a map, $retainKeys', async () => {
    await apply('alt-las-deploy', deploymentYaml('directives', IMAGE));
    await cluster.ok([
      'patch',
      '-n',
      'atlas',
      'deployment/directives',
      '--type=strategic',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"extra","image":"busybox:1.36"}]}}}}',
    ]);
    await cluster.ok([
      'patch',
      '-n',
      'atlas',
      'deployment/directives',
      '--type=strategic',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"extra","$patch":"delete"}]}}}}',
    ]);
    await cluster.ok([
      'patch',
      '-n',
      'atlas',
      'deployment/directives',
      '--type=strategic',
      '-p',
      '{"spec":{"selector":{"$patch":"replace","matchLabels":{"app.kubernetes.io/name":"directives"}},"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}',
    ]);
    const object = await getDeployment('directives');
    expect(object.spec.template.spec.containers.map((c: KubeObject) => c.name)).toEqual(['directives']);
    expect(object.spec.strategy).toEqual({ type: 'Recreate' });
    expect(object.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'directives' } });
  });
});

describe('client-side apply and list items', () => {
  test('kubectl apply without --server-side creates, then updates through a three-way strategic merge', async () => {
    const first = await cluster.kubectl(['apply', '-f', '-'], deploymentYaml('classic', IMAGE));
    expect(first.stdout).toBe('deployment.apps/classic created\n');
    const second = await cluster.kubectl(
      ['apply', '-f', '-'],
      deploymentYaml('classic', 'ghcr.io/alt-las/classic:2.0.0', { replicas: 4 }),
    );
    expect(second.stdout).toBe('deployment.apps/classic configured\n');
    const object = await getDeployment('classic');
    expect(object.spec.replicas).toBe(4);
    expect(object.spec.template.spec.containers[0].image).toBe('ghcr.io/alt-las/classic:2.0.0');
    expect(object.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      'classic:2.0.0',
    );
    expect(managers(object)).toEqual(expect.arrayContaining(['kubectl-client-side-apply/Update']));
  });

  test('switching from kubectl apply to kubectl apply --server-side takes the fields over without conflicts', async () => {
    await cluster.ok(['apply', '-f', '-'], deploymentYaml('migrating', IMAGE));
    const result = await cluster.kubectl(
      ['apply', '--server-side', '-f', '-'],
      deploymentYaml('migrating', 'ghcr.io/alt-las/migrating:2.0.0', { replicas: 3 }),
    );
    expect(result.code).toBe(0);
    const object = await getDeployment('migrating');
    expect(object.spec.replicas).toBe(3);
    expect(owns(object, 'kubectl', 'f:spec', 'f:replicas')).toBe(true);
    // kubectl rewrote managedFields to merge the client-side manager into its own.
    expect(managers(object)).not.toContain('kubectl-client-side-apply/Update');
    // Another manager gets no such pass.
    const other = await apply('someone-new', deploymentYaml('migrating', IMAGE, { replicas: 5 }));
    expect(other.stderr).toMatch(/conflict with "kubectl" using apps\/v1: \.spec\.replicas/);
  });

  test('a container the applier no longer lists is removed from the associative list', async () => {
    const twoContainers = deploymentYaml('pair', IMAGE).replace(
      '          readinessProbe:',
      '        - name: sidecar\n          image: busybox:1.36\n          readinessProbe:',
    );
    await apply('alt-las-deploy', twoContainers);
    expect(
      (await getDeployment('pair')).spec.template.spec.containers.map((c: KubeObject) => c.name),
    ).toEqual(['pair', 'sidecar']);
    await apply('alt-las-deploy', deploymentYaml('pair', IMAGE));
    const object = await getDeployment('pair');
    expect(object.spec.template.spec.containers.map((c: KubeObject) => c.name)).toEqual(['pair']);
    expect(object.spec.template.spec.containers[0].readinessProbe).toEqual({
      httpGet: { path: '/health', port: 3000 },
    });
  });
});
