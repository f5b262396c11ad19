import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '@alt-las/action-kit';
import {
  containersOf,
  loadManifests,
  orderObjects,
  parseManifestText,
  resolveManifestSources,
  substituteVariables,
  validateObjects,
  type SourcedObject,
} from '@alt-las/kube';
import { makeTempDir } from '../harness/paths';

const noKustomize = async () => {
  throw new Error('kustomize not expected');
};

function workspace(files: Record<string, string>): string {
  const dir = makeTempDir('kube-manifests');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const deployment = (name: string, image = 'ghcr.io/o/x:1') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: ${name}
          image: ${image}
`;

describe('variable substitution', () => {
  test('replaces allowed variables and names file and line of an unknown one', () => {
    expect(substituteVariables('a: ${A}\nb: ${A}-x', { A: '1' }, 'f.yaml')).toBe('a: 1\nb: 1-x');
    expect(() => substituteVariables('a: ${A}\nb: ${API_HOST}', { A: '1' }, 'k/f.yaml')).toThrow(
      /k\/f\.yaml:2: unknown variable \$\{API_HOST\}; input "vars" allows A/,
    );
  });

  test('a malformed ${...} is an error too, and an empty allow-list says so', () => {
    expect(() => substituteVariables('x: ${lower}', {}, 'f.yaml')).toThrow(
      /f\.yaml:1: unknown variable \$\{lower\}.*is empty/,
    );
  });

  test('text without ${ is left alone, including $VAR shell syntax', () => {
    expect(substituteVariables('cmd: echo $HOME', {}, 'f.yaml')).toBe('cmd: echo $HOME');
  });
});

describe('loading', () => {
  test('invalid YAML is reported with file and line', () => {
    expect(() => parseManifestText('a: 1\n---\nkind: X\nkind: Y\n', 'm.yaml')).toThrow(
      /^m\.yaml:4: invalid YAML: Map keys must be unique/,
    );
    expect(() => parseManifestText('a: 1\nb: [unclosed\n', 'n.yaml')).toThrow(/^n\.yaml:\d: invalid YAML/);
  });

  test('multi-document files give each object its starting line; empty documents are skipped', () => {
    const objects = parseManifestText(
      '---\n# only a comment\n---\n' + deployment('a') + '---\n' + deployment('b'),
      'm.yaml',
    );
    expect(objects.map((o) => [o.object.metadata.name, o.line])).toEqual([
      ['a', 4],
      ['b', 17],
    ]);
  });

  test('folders are read recursively in name order; globs match; missing entries are clear errors', async () => {
    const dir = workspace({
      'k/b.yaml': deployment('b'),
      'k/a.yml': deployment('a'),
      'k/sub/c.yaml': deployment('c'),
      'k/notes.txt': 'x',
    });
    const sources = resolveManifestSources(['k'], dir);
    expect(sources.map((s) => path.relative(dir, s.path))).toEqual(['k/a.yml', 'k/b.yaml', 'k/sub/c.yaml']);
    expect(resolveManifestSources(['k/**/*.yaml'], dir).map((s) => path.relative(dir, s.path))).toEqual([
      'k/b.yaml',
      'k/sub/c.yaml',
    ]);
    expect(() => resolveManifestSources(['nope'], dir)).toThrow(/input "manifests": "nope" does not exist/);
    expect(() => resolveManifestSources(['k/*.json'], dir)).toThrow(/matches no manifest files/);
  });

  test('a kustomization folder is rendered by the given renderer and substituted afterwards', async () => {
    const dir = workspace({ 'k/kustomization.yaml': 'resources: []\n' });
    const sources = resolveManifestSources(['k'], dir);
    expect(sources).toEqual([{ type: 'kustomization', path: path.join(dir, 'k') }]);
    const objects = await loadManifests(sources, {
      vars: { V: '2' },
      workspace: dir,
      kustomize: async () => deployment('k', 'ghcr.io/o/x:${V}'),
    });
    expect(objects[0]!.file).toBe('k (kustomize output)');
    expect(containersOf(objects[0]!.object)[0]!.image).toBe('ghcr.io/o/x:2');
  });

  test('an unknown variable in a file fails with that file and line', async () => {
    const dir = workspace({ 'k/a.yaml': deployment('a', 'ghcr.io/o/x:${TAG}') });
    await expect(
      loadManifests(resolveManifestSources(['k'], dir), { vars: {}, workspace: dir, kustomize: noKustomize }),
    ).rejects.toThrow(/^k\/a\.yaml:12: unknown variable \$\{TAG\}/);
  });
});

describe('validation and order', () => {
  const sourced = (text: string, file = 'm.yaml'): SourcedObject[] => parseManifestText(text, file);

  test('unknown kinds, wrong apiVersions, bad names and duplicates are all listed with file:line', () => {
    const text = [
      'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: { name: a }',
      'apiVersion: v1\nkind: Deployment\nmetadata: { name: b }',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: Bad_Name }',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }',
    ].join('\n---\n');
    let error: unknown;
    try {
      validateObjects(sourced(text), 'ns');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain('m.yaml:1: unknown kind "Deploymnet"');
    expect(message).toContain('m.yaml:5: Deployment has apiVersion "v1", expected apps/v1');
    expect(message).toContain('m.yaml:9: ConfigMap needs metadata.name');
    expect(message).toContain('m.yaml:17: ConfigMap "c" is also defined at m.yaml:13');
  });

  test('namespaced objects default to the release namespace; cluster-scoped ones lose a namespace', () => {
    const objects = validateObjects(
      sourced(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: n, namespace: x }',
      ),
      'atlas',
    );
    expect(objects.map((o) => o.object.metadata.namespace)).toEqual(['atlas', undefined]);
  });

  test('kinds defined by a CustomResourceDefinition in the same manifests are accepted', () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec: { group: example.com, scope: Namespaced, names: { kind: Widget }, versions: [{ name: v1 }] }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w }`;
    expect(validateObjects(sourced(crd), 'ns')).toHaveLength(2);
  });

  test('orders Namespace, RBAC, config, storage, Services, workloads, policies, Ingress, then the rest', () => {
    const kinds = [
      ['networking.k8s.io/v1', 'Ingress'],
      ['monitoring.coreos.com/v1', 'ServiceMonitor'],
      ['apps/v1', 'Deployment'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['v1', 'Service'],
      ['v1', 'PersistentVolumeClaim'],
      ['v1', 'Secret'],
      ['apps/v1', 'StatefulSet'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['v1', 'ConfigMap'],
      ['v1', 'Namespace'],
    ];
    const text = kinds
      .map(([apiVersion, kind], i) => `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: { name: o${i} }`)
      .join('\n---\n');
    expect(orderObjects(validateObjects(sourced(text), 'ns')).map((o) => o.object.kind)).toEqual([
      'Namespace',
      'Role',
      'ConfigMap',
      'Secret',
      'PersistentVolumeClaim',
      'Service',
      'StatefulSet',
      'Deployment',
      'NetworkPolicy',
      'Ingress',
      'ServiceMonitor',
    ]);
  });
});
