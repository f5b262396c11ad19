import * as fs from 'node:fs';
import * as path from 'node:path';
import { createReleaseManifest, writeReleaseManifest } from '@alt-las/release-model';
import { runAction, type ActionRun } from '../harness';
import type { KubeApi } from '../harness/kube-api';

export const REGISTRY = '127.0.0.1:5000';
export const OWNER = 'alt-las';
export const FIXTURE = 'action-tests/k8s-deploy/fixtures/app';
export const CANARY_JWT = 'canary-jwt-Vq93kd-not-for-logs';

export const digest = (fill: string) => `sha256:${fill.repeat(64)}`;
export const repository = (service: string) => `${REGISTRY}/${OWNER}/alt-las-${service}`;

/** A release manifest of the given services, each pushed with `fill` repeated as its digest. */
export function releaseManifestFile(
  dir: string,
  version: string,
  fill: string,
  services = ['api-gateway', 'archive-service'],
): string {
  const file = path.join(dir, `release-${version}-${fill}-${services.join('+')}.json`);
  writeReleaseManifest(
    file,
    createReleaseManifest(
      { version, tags: [version], sha: '0123456789abcdef0123456789abcdef01234567' },
      services.map((name) => ({
        name,
        image: repository(name),
        publish: { digest: digest(fill), refs: [`${repository(name)}:${version}`] },
      })),
    ),
  );
  return file;
}

export const fixtureVars = (version: string) =>
  [
    `IMAGE_REGISTRY=${REGISTRY}`,
    `IMAGE_OWNER=${OWNER}`,
    `RELEASE_VERSION=${version}`,
    'API_HOST=api.alt-las.test',
  ].join('\n');

/** Runs the bundled action (and its post step) against the stand-in with the small fixture release. */
export async function deploy(
  kube: KubeApi,
  dir: string,
  options: { version: string; fill: string; inputs?: Record<string, string>; env?: Record<string, string> },
): Promise<{ main: ActionRun; post: ActionRun }> {
  const main = await runAction('k8s-deploy', {
    env: { JWT_SECRET_VALUE: CANARY_JWT, ...options.env },
    inputs: {
      manifests: FIXTURE,
      namespace: 'atlas-test',
      kubeconfig: kube.kubeconfig(),
      'release-manifest': releaseManifestFile(dir, options.version, options.fill),
      secrets: 'api-gateway-secrets:\n  jwt-secret: JWT_SECRET_VALUE',
      vars: fixtureVars(options.version),
      timeout: '60s',
      ...options.inputs,
    },
  });
  const post = await runAction('k8s-deploy', { post: main });
  return { main, post };
}

/** Images of a Deployment's pod template and of its ready pods, as the stand-in holds them. */
export function running(
  kube: KubeApi,
  name: string,
  namespace = 'atlas-test',
): { template: string[]; readyPods: string[] } {
  const deployment = kube.objects('Deployment', namespace).find((object) => object.metadata.name === name);
  const images = (spec: { containers: { image: string }[] }) =>
    spec.containers.map((container) => container.image);
  const pods = kube
    .objects('Pod', namespace)
    .filter(
      (pod) => pod.metadata.labels?.['app.kubernetes.io/name'] === name && !pod.metadata.deletionTimestamp,
    )
    .filter((pod) =>
      (pod.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
      ),
    );
  return {
    template: deployment ? images(deployment.spec.template.spec) : [],
    readyPods: [...new Set(pods.flatMap((pod) => images(pod.spec)))],
  };
}

/** Everything the action wrote where people or later steps can read it. */
export function everythingVisible(run: ActionRun): string {
  const files = [run.outputs.diff, run.outputs['release-manifest']].filter(
    (file): file is string => !!file && fs.existsSync(file),
  );
  return [
    run.stdout,
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    JSON.stringify(run.annotations),
    ...files.map((file) => fs.readFileSync(file, 'utf8')),
  ].join('\n');
}

/** stdout without the mask registrations, which necessarily name the values they mask. */
export const withoutMaskCommands = (text: string) =>
  text
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
