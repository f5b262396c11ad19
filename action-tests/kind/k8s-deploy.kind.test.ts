import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAction } from '../harness/run-action';

// The k8s-deploy end-to-end cases once more against a real cluster (kind, in the suite's CI on GitHub's
// runners): `npm run test:kind`. ALT_LAS_KIND_IMAGE names a pullable busybox by digest.
jest.setTimeout(600_000);

const NAMESPACE = 'alt-las-kind';
const FIXTURE = 'action-tests/kind/fixtures';
const kubeconfigFile = process.env.KUBECONFIG || path.join(os.homedir(), '.kube', 'config');

function pullableDigest(): string {
  const image = process.env.ALT_LAS_KIND_IMAGE ?? '';
  const digest = /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1];
  if (!digest)
    throw new Error(`ALT_LAS_KIND_IMAGE must name busybox by digest (busybox@sha256:...), got "${image}"`);
  return digest;
}

const kubectl = (...args: string[]) =>
  execFileSync('kubectl', [`--kubeconfig=${kubeconfigFile}`, ...args], { encoding: 'utf8' }).trim();

const deployedImage = () =>
  kubectl(
    'get',
    'deployment',
    'web',
    '-n',
    NAMESPACE,
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  );

function deploy(version: string, digest: string) {
  return runAction('k8s-deploy', {
    inputs: {
      manifests: FIXTURE,
      namespace: NAMESPACE,
      kubeconfig: fs.readFileSync(kubeconfigFile, 'utf8'),
      images: `docker.io/library/busybox@${digest}`,
      vars: ['IMAGE_REGISTRY=docker.io', 'IMAGE_OWNER=library', 'RELEASE_VERSION=1.36.1'].join('\n'),
      timeout: '4m',
    },
    env: { GITHUB_REF: `refs/tags/v${version}` },
    timeoutMs: 540_000,
  });
}

beforeAll(() => {
  if (!fs.existsSync(kubeconfigFile))
    throw new Error(`no kubeconfig at ${kubeconfigFile}: create the kind cluster first`);
});

afterAll(() => {
  kubectl('delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false');
});

test('deploys pinned by digest, then rolls a broken image back to the running release', async () => {
  const good = pullableDigest();
  const first = await deploy('1.0.0', good);
  expect([first.exitCode, first.outputs.result]).toEqual([0, 'deployed']);
  expect(deployedImage()).toBe(`docker.io/library/busybox:1.36.1@${good}`);
  expect(
    kubectl('get', 'deployment', 'web', '-n', NAMESPACE, '-o', 'jsonpath={.status.availableReplicas}'),
  ).toBe('2');

  const same = await deploy('1.0.0', good);
  expect([same.exitCode, same.outputs.result]).toEqual([0, 'unchanged']);

  const missing = `sha256:${'0'.repeat(63)}1`;
  const broken = await deploy('1.0.1', missing);
  expect([broken.exitCode, broken.outputs.result]).toEqual([1, 'rolled-back']);
  expect(broken.annotations.map((a) => a.message).join('\n')).toMatch(/ErrImagePull|ImagePullBackOff/);
  expect(deployedImage()).toBe(`docker.io/library/busybox:1.36.1@${good}`);
  expect(
    kubectl('get', 'deployment', 'web', '-n', NAMESPACE, '-o', 'jsonpath={.status.availableReplicas}'),
  ).toBe('2');
});
