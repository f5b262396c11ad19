import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { substituteVariables } from '@alt-las/kube';
import { makeTempDir } from '../harness/paths';
import { startKubeApi, type KubeApi } from '../harness/kube-api';
import {
  manifestDirectory,
  productionDocuments,
  sampleVars,
  productionReplicas,
} from './production-manifests';

/**
 * The manifests as k8s-deploy applies them: rendered, then server-side applied by the real kubectl to
 * the Kubernetes API stand-in, which plays out the workloads' pods.
 */
let api: KubeApi;
let dir: string;
let kubeconfig: string;

function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // Asynchronous: the API server answering kubectl runs in this process.
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kubectl',
      [`--kubeconfig=${kubeconfig}`, `--cache-dir=${path.join(dir, 'cache')}`, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number')
          reject(new Error(`kubectl could not be run (${error.message}); it must be on PATH`));
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

beforeAll(async () => {
  api = await startKubeApi();
  dir = makeTempDir('manifests-apply');
  kubeconfig = api.writeKubeconfig(dir);
});
afterAll(async () => {
  await api.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('kubectl applies every document server-side and the pods of every workload come up', async () => {
  // The namespaces first, as an administrator creates them once.
  const files = [
    'namespace.yaml',
    ...fs
      .readdirSync(manifestDirectory)
      .filter((file) => file !== 'namespace.yaml')
      .sort(),
  ];
  const rendered = files
    .map((file) =>
      substituteVariables(fs.readFileSync(path.join(manifestDirectory, file), 'utf8'), sampleVars, file),
    )
    .join('\n---\n');
  const apply = await kubectl(
    ['apply', '--server-side', '--field-manager=alt-las-deploy', '-f', '-'],
    rendered,
  );
  expect(apply.stderr).toBe('');
  expect(apply.code).toBe(0);
  // One `<kind>/<name> serverside-applied` line per document.
  expect(apply.stdout.trim().split('\n')).toHaveLength(productionDocuments().length);

  const expected: Record<string, number> = {
    ...productionReplicas,
    prometheus: 1,
    grafana: 1,
    loki: 1,
    promtail: 1,
  };
  let counts: Record<string, number> = {};
  for (let attempt = 0; attempt < 120; attempt++) {
    const pods = await kubectl(['get', 'pods', '--all-namespaces', '-o', 'json']);
    const items = (
      JSON.parse(pods.stdout) as {
        items: { metadata: { labels?: Record<string, string> }; status?: { phase?: string } }[];
      }
    ).items;
    counts = {};
    for (const pod of items.filter((item) => item.status?.phase === 'Running')) {
      const name = pod.metadata.labels?.['app.kubernetes.io/name'] ?? '?';
      counts[name] = (counts[name] ?? 0) + 1;
    }
    if (Object.entries(expected).every(([name, replicas]) => counts[name] === replicas)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(counts).toEqual(expected);

  // The pods carry the restricted security context of their templates.
  const gateway = await kubectl([
    'get',
    'pods',
    '-n',
    'atlas-production',
    '-l',
    'app.kubernetes.io/name=api-gateway',
    '-o',
    'json',
  ]);
  for (const pod of (
    JSON.parse(gateway.stdout) as { items: { spec: { securityContext: Record<string, unknown> } }[] }
  ).items) {
    expect(pod.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
  }
});
