import * as fs from 'node:fs';
import * as net from 'node:net';
import { runAction, type ActionRun } from '../harness';
import { startKubeApi, type KubeApi } from '../harness/kube-api';
import { makeTempDir } from '../harness/paths';
import { FIXTURE, fixtureVars, releaseManifestFile } from './deploy-helpers';

let kube: KubeApi;
let dir: string;

beforeAll(async () => {
  kube = await startKubeApi({ stepMs: 40 });
  dir = makeTempDir('k8s-deploy-bad-input');
});

afterAll(async () => {
  await kube.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const writes = () =>
  kube.requests.filter(
    (request) =>
      ['PATCH', 'POST', 'PUT', 'DELETE'].includes(request.method) && !request.path.includes('dryRun'),
  ).length;

async function attempt(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const before = writes();
  const run = await runAction('k8s-deploy', {
    env,
    inputs: {
      manifests: FIXTURE,
      namespace: 'atlas-test',
      kubeconfig: kube.kubeconfig(),
      'release-manifest': releaseManifestFile(dir, '1.0.0', 'a'),
      vars: fixtureVars('1.0.0'),
      timeout: '20s',
      ...inputs,
    },
  });
  expect(run.exitCode).toBe(1);
  expect(run.outputs.result).toBe('failed');
  // Nothing reached the cluster.
  expect(writes()).toBe(before);
  return run;
}

const failure = (run: ActionRun) =>
  run.annotations
    .filter((annotation) => annotation.level === 'error')
    .map((annotation) => annotation.message)
    .join('\n');

test('invalid YAML names the file and line', async () => {
  const run = await attempt({ manifests: 'action-tests/k8s-deploy/fixtures/bad/invalid-yaml.yaml' });
  expect(failure(run)).toMatch(
    /^action-tests\/k8s-deploy\/fixtures\/bad\/invalid-yaml\.yaml:7: invalid YAML: Map keys must be unique/,
  );
});

test('an unknown kind names the file and line', async () => {
  const run = await attempt({ manifests: 'action-tests/k8s-deploy/fixtures/bad/unknown-kind.yaml' });
  expect(failure(run)).toContain(
    'action-tests/k8s-deploy/fixtures/bad/unknown-kind.yaml:6: unknown kind "Deploymnet" (apiVersion apps/v1)',
  );
});

test('an unknown ${VAR} names the file, line and the allowed variables', async () => {
  const run = await attempt({ manifests: 'action-tests/k8s-deploy/fixtures/bad/unknown-var.yaml' });
  expect(failure(run)).toBe(
    'action-tests/k8s-deploy/fixtures/bad/unknown-var.yaml:7: unknown variable ${CLOUD_REGION}; input "vars" allows API_HOST, IMAGE_OWNER, IMAGE_REGISTRY, RELEASE_VERSION',
  );
});

test("a released service's image missing from the manifests is refused", async () => {
  const run = await attempt({
    'release-manifest': releaseManifestFile(dir, '1.0.0', 'a', [
      'api-gateway',
      'archive-service',
      'ai-orchestrator',
    ]),
  });
  expect(failure(run)).toContain(
    'released image 127.0.0.1:5000/alt-las/alt-las-ai-orchestrator (ai-orchestrator) is not run by any container in the manifests',
  );
});

test('a garbage kubeconfig is refused without echoing it', async () => {
  const garbage = 'garbage-kubeconfig-Xk29-value';
  const run = await attempt({ kubeconfig: garbage });
  expect(failure(run)).toBe(
    'input "kubeconfig": expected a kubeconfig (YAML with clusters, contexts and users), plain or base64-encoded; the value given is not one',
  );
  expect(
    run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
  ).not.toContain(garbage);
});

test('an unreachable cluster fails with a clear message within the timeout', async () => {
  // A port that was just free: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    });
  });
  const kubeconfig = kube.kubeconfig().replace(/http:\/\/127\.0\.0\.1:\d+/, `http://127.0.0.1:${port}`);
  const run = await attempt({ kubeconfig, timeout: '5s' });
  expect(failure(run)).toMatch(
    new RegExp(`^cannot reach the cluster within 5s: .*127\\.0\\.0\\.1:${port}.*refused`, 's'),
  );
  expect(run.durationMs).toBeLessThan(15_000);
});

test('no kubectl on PATH says how to get one', async () => {
  const empty = makeTempDir('no-kubectl');
  const run = await attempt({}, { PATH: empty });
  expect(failure(run)).toBe(
    'kubectl is not on PATH; install it in an earlier step or set input "kubectl-version" to a release such as 1.32.4',
  );
});

test('bad inputs name the input and what was expected', async () => {
  expect(failure(await attempt({ mode: 'upgrade' }))).toBe(
    'input "mode": got "upgrade", expected one of deploy, diff, rollback',
  );
  expect(failure(await attempt({ mode: 'rollback' }))).toMatch(
    /^input "rollback-to": required with mode rollback/,
  );
  expect(failure(await attempt({ timeout: 'soon' }))).toBe(
    'input "timeout": got "soon", expected a duration such as 30s, 10m or 1h30m',
  );
  expect(failure(await attempt({ vars: 'lower=1' }))).toMatch(
    /^input "vars": "lower" is not a variable name/,
  );
  expect(failure(await attempt({ 'release-manifest': '', images: '' }))).toMatch(
    /^give input "release-manifest" or "images"/,
  );
});

test('a failing first install has nothing to return to: it fails, says so, and leaves the objects applied', async () => {
  kube.setScenario(() => 'crash-loop');
  const run = await runAction('k8s-deploy', {
    inputs: {
      manifests: FIXTURE,
      namespace: 'atlas-test',
      kubeconfig: kube.kubeconfig(),
      'release-manifest': releaseManifestFile(dir, '1.0.0', 'a'),
      vars: fixtureVars('1.0.0'),
      timeout: '30s',
    },
  });
  expect(run.exitCode).toBe(1);
  expect(run.outputs.result).toBe('failed');
  expect(failure(run)).toMatch(
    /CrashLoopBackOff.*Deployment\/api-gateway had no earlier revision \(first install\) and was left as applied/,
  );
  expect(kube.objects('Deployment', 'atlas-test').map((object) => object.metadata.name)).toContain(
    'api-gateway',
  );
});
