import * as fs from 'node:fs';
import { runAction } from '../harness';
import { startKubeApi, type KubeApi } from '../harness/kube-api';
import { makeTempDir } from '../harness/paths';
import {
  digest,
  everythingVisible,
  OWNER,
  REGISTRY,
  releaseManifestFile,
  withoutMaskCommands,
} from './deploy-helpers';

const SERVICES = ['api-gateway', 'segmentation-service', 'ai-orchestrator', 'archive-service'];
const THIRD_PARTY = [
  'docker.io/grafana/grafana',
  'docker.io/grafana/loki',
  'docker.io/grafana/promtail',
  'docker.io/library/postgres',
  'quay.io/prometheus/prometheus',
  'quay.io/prometheuscommunity/postgres-exporter',
];
const CANARIES = {
  PG_USER: 'canary-pg-user-4Lm2',
  PG_PASSWORD: 'canary-pg-password-Rt83q',
  JWT: 'canary-jwt-9Wn4zx',
  GRAFANA_USER: 'canary-grafana-user-Hs2',
  GRAFANA_PASSWORD: 'canary-grafana-password-Kd71',
};

let kube: KubeApi;
let dir: string;

beforeAll(async () => {
  kube = await startKubeApi({ stepMs: 40 });
  dir = makeTempDir('k8s-deploy-production');
});

afterAll(async () => {
  await kube.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const inputs = (extra: Record<string, string> = {}) => ({
  manifests: 'kubernetes/production',
  'release-manifest': releaseManifestFile(dir, '1.0.0', 'a', SERVICES),
  images: THIRD_PARTY.map((repository) => `${repository}@${digest('f')}`).join('\n'),
  vars: [
    `IMAGE_REGISTRY=${REGISTRY}`,
    `IMAGE_OWNER=${OWNER}`,
    'RELEASE_VERSION=1.0.0',
    'API_HOST=api.alt-las.test',
    'MONITORING_HOST=grafana.alt-las.test',
    'ACME_EMAIL=ops@alt-las.test',
  ].join('\n'),
  secrets: [
    'postgres-credentials:',
    '  username: PG_USER',
    '  password: PG_PASSWORD',
    'api-gateway-secrets:',
    '  jwt-secret: JWT',
    'grafana-admin:',
    '  admin-user: GRAFANA_USER',
    '  admin-password: GRAFANA_PASSWORD',
  ].join('\n'),
  timeout: '90s',
  ...extra,
});

function expectNoCanary(text: string): void {
  for (const value of Object.values(CANARIES)) {
    expect(text).not.toContain(value);
    expect(text).not.toContain(Buffer.from(value).toString('base64'));
  }
}

test('dry run renders, pins and orders all of kubernetes/production offline', async () => {
  const run = await runAction('k8s-deploy', {
    env: CANARIES,
    inputs: inputs({ 'dry-run': 'true', kubeconfig: '' }),
  });
  expect(run.exitCode).toBe(0);
  const plan = fs.readFileSync(run.outputs.diff!, 'utf8');
  for (const service of SERVICES)
    expect(plan).toContain(`image: ${REGISTRY}/${OWNER}/alt-las-${service}:1.0.0@${digest('a')}`);
  expect(plan).not.toMatch(/image: (?!.*@sha256:)/);
  expect(plan.indexOf('kind: Namespace')).toBeLessThan(plan.indexOf('kind: Deployment'));
  expect(plan.indexOf('kind: Deployment')).toBeLessThan(plan.indexOf('kind: Ingress'));
  expect(run.summary).toContain('No kubeconfig given: the plan was made offline');
  expect(kube.requests).toHaveLength(0);
  expectNoCanary(withoutMaskCommands(everythingVisible(run)));
});

test('first install of all of kubernetes/production: every workload available, all secrets created, nothing leaked', async () => {
  const run = await runAction('k8s-deploy', {
    env: CANARIES,
    inputs: inputs({ kubeconfig: kube.kubeconfig() }),
  });
  if (run.exitCode !== 0) console.log(run.stdout.slice(-4000));
  expect(run.exitCode).toBe(0);
  expect(run.outputs.result).toBe('deployed');
  const revisions = JSON.parse(run.outputs.revisions!) as Record<
    string,
    { before: string | null; after: string | null }
  >;
  for (const service of SERVICES)
    expect(revisions[`Deployment/${service}`]).toEqual({ before: null, after: '1' });
  expect(revisions['StatefulSet/postgres']?.before).toBeNull();
  for (const service of SERVICES) {
    const deployment = kube
      .objects('Deployment', 'atlas-production')
      .find((object) => object.metadata.name === service)!;
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      `${REGISTRY}/${OWNER}/alt-las-${service}:1.0.0@${digest('a')}`,
    );
    expect(deployment.status.availableReplicas).toBe(deployment.spec.replicas);
  }
  expect(kube.objects('Secret', 'atlas-production').map((secret) => secret.metadata.name)).toEqual(
    expect.arrayContaining(['postgres-credentials', 'api-gateway-secrets', 'grafana-admin']),
  );
  const manifest = JSON.parse(fs.readFileSync(run.outputs['release-manifest']!, 'utf8'));
  expect(manifest.services.map((service: { deploy: { result: string } }) => service.deploy.result)).toEqual(
    SERVICES.map(() => 'deployed'),
  );
  expectNoCanary(withoutMaskCommands(everythingVisible(run)));
});

test('a failed upgrade of the whole release restores every changed Deployment and the StatefulSet', async () => {
  kube.setScenario((workload) =>
    workload.images.some((image) => image.endsWith(digest('c'))) ? 'image-pull-failure' : 'success',
  );
  const run = await runAction('k8s-deploy', {
    env: CANARIES,
    inputs: inputs({
      kubeconfig: kube.kubeconfig(),
      'release-manifest': releaseManifestFile(dir, '1.1.0', 'c', SERVICES),
      images: THIRD_PARTY.map((repository) => `${repository}@${digest('e')}`).join('\n'),
      vars: inputs().vars.replace('RELEASE_VERSION=1.0.0', 'RELEASE_VERSION=1.1.0'),
    }),
  });
  expect(run.exitCode).toBe(1);
  expect(run.outputs.result).toBe('rolled-back');
  const image = (kind: string, name: string, container: string) =>
    kube
      .objects(kind, 'atlas-production')
      .find((object) => object.metadata.name === name)!
      .spec.template.spec.containers.find((entry: { name: string }) => entry.name === container)
      .image as string;
  for (const service of SERVICES)
    expect(image('Deployment', service, service)).toBe(
      `${REGISTRY}/${OWNER}/alt-las-${service}:1.0.0@${digest('a')}`,
    );
  expect(image('StatefulSet', 'postgres', 'postgres')).toBe(
    `docker.io/library/postgres:16.4-bookworm@${digest('f')}`,
  );
  expect(run.annotations.find((annotation) => /rolled back to/.test(annotation.message))?.message).toContain(
    'StatefulSet/postgres revision',
  );
  expectNoCanary(withoutMaskCommands(everythingVisible(run)));
});

test('mode rollback returns Deployments and the StatefulSet to an earlier release', async () => {
  kube.setScenario(() => 'success');
  const upgrade = await runAction('k8s-deploy', {
    env: CANARIES,
    inputs: inputs({
      kubeconfig: kube.kubeconfig(),
      'release-manifest': releaseManifestFile(dir, '1.2.0', 'b', SERVICES),
      images: THIRD_PARTY.map((repository) => `${repository}@${digest('e')}`).join('\n'),
      vars: inputs().vars.replace('RELEASE_VERSION=1.0.0', 'RELEASE_VERSION=1.2.0'),
    }),
  });
  expect(upgrade.outputs.result).toBe('deployed');
  const postgres = () =>
    kube.objects('StatefulSet', 'atlas-production').find((object) => object.metadata.name === 'postgres')!
      .spec.template.spec.containers[0].image as string;
  expect(postgres()).toBe(`docker.io/library/postgres:16.4-bookworm@${digest('e')}`);
  const run = await runAction('k8s-deploy', {
    inputs: { kubeconfig: kube.kubeconfig(), mode: 'rollback', 'rollback-to': 'v1.0.0', timeout: '90s' },
  });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.result).toBe('rolled-back');
  expect(postgres()).toBe(`docker.io/library/postgres:16.4-bookworm@${digest('f')}`);
  const gateway = kube
    .objects('Deployment', 'atlas-production')
    .find((object) => object.metadata.name === 'api-gateway')!;
  expect(gateway.spec.template.spec.containers[0].image).toBe(
    `${REGISTRY}/${OWNER}/alt-las-api-gateway:1.0.0@${digest('a')}`,
  );
  expect(Object.keys(JSON.parse(run.outputs.revisions!))).toEqual(
    expect.arrayContaining(['Deployment/api-gateway', 'StatefulSet/postgres']),
  );
});

test('a kustomization folder is rendered with kubectl kustomize, then substituted and pinned', async () => {
  const run = await runAction('k8s-deploy', {
    inputs: {
      manifests: 'action-tests/k8s-deploy/fixtures/kustomize',
      'dry-run': 'true',
      images: `${REGISTRY}/${OWNER}/alt-las-api-gateway@${digest('c')}`,
      vars: `IMAGE_REGISTRY=${REGISTRY}\nIMAGE_OWNER=${OWNER}\nRELEASE_VERSION=2.0.0`,
    },
  });
  expect(run.exitCode).toBe(0);
  const plan = fs.readFileSync(run.outputs.diff!, 'utf8');
  expect(plan).toContain('name: staging-api-gateway');
  expect(plan).toContain(`image: ${REGISTRY}/${OWNER}/alt-las-api-gateway:2.0.0@${digest('c')}`);
  expect(run.summary).toContain('Deployment/staging-api-gateway');
});
