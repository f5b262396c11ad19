import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { readReleaseManifest, type ReleaseManifest } from '@alt-las/release-model';
import { makeTempDir, repoRoot } from '../harness/paths';
import { runAction, type ActionRun } from '../harness/run-action';
import { startRegistry, type Registry } from '../harness/registry';
import { StandInState, startTrivyReleaseServer, type TrivyReleaseServer } from '../harness/trivy';
import { startKubeApi, type KubeApi } from '../harness/kube-api';
import {
  requireTools,
  stageBusybox,
  startFromImage,
  unpackImage,
  type RunningService,
} from '../build-services/example-services';
import { skopeoDigest } from '../publish-ghcr/helpers';

// The whole release on the example services, every action run from its bundle as the runner would:
// real buildah builds -> stand-in Trivy -> real registry -> real kubectl against the API stand-in ->
// verification of the real example services started from the built images.
jest.setTimeout(900_000);

const SERVICES = ['api-gateway', 'segmentation-service', 'ai-orchestrator', 'archive-service'];
const NAMESPACE = 'atlas-production';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const SECRETS = {
  POSTGRES_USERNAME: 'alt_las',
  POSTGRES_PASSWORD: 'canary-postgres-Zp4q',
  JWT_SECRET: 'canary-jwt-Hs81x',
  GRAFANA_ADMIN_USER: 'admin',
  GRAFANA_ADMIN_PASSWORD: 'canary-grafana-Lk2m',
};

let dir: string;
let busybox: string;
let registry: Registry;
let trivy: TrivyReleaseServer;
let scanner: StandInState;
let kube: KubeApi;
const running: RunningService[] = [];

beforeAll(async () => {
  requireTools('buildah', 'skopeo', 'umoci', 'busybox', 'kubectl', 'docker-registry');
  dir = makeTempDir('pipeline');
  busybox = stageBusybox(dir);
  registry = await startRegistry({ auth: 'htpasswd', tls: true });
  trivy = await startTrivyReleaseServer();
  scanner = new StandInState(path.join(dir, 'trivy-state')).configure({ defaultReport: { Results: [] } });
  kube = await startKubeApi();
});

afterAll(async () => {
  await stopServices();
  await kube?.stop();
  await trivy?.stop();
  await registry?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function stopServices(): Promise<void> {
  await Promise.all(running.splice(0).map((service) => service.stop()));
}

function env(version: string): Record<string, string> {
  return {
    GITHUB_REF: `refs/tags/v${version}`,
    GITHUB_REF_NAME: `v${version}`,
    GITHUB_SHA: SHA,
    NODE_EXTRA_CA_CERTS: registry.caFile!,
    ...scanner.env,
    ...SECRETS,
  };
}

function succeeded(step: string, run: ActionRun): ActionRun {
  const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
  expect([step, run.exitCode, errors]).toEqual([step, 0, []]);
  return run;
}

/** The production manifests' variables for this installation (as the workflow passes them). */
const vars = (version: string) =>
  [
    `IMAGE_REGISTRY=${registry.host}`,
    'IMAGE_OWNER=alt-las',
    `RELEASE_VERSION=${version}`,
    'API_HOST=api.alt-las.test',
    'MONITORING_HOST=grafana.alt-las.test',
    'ACME_EMAIL=platform@alt-las.test',
  ].join('\n');

const secretsSpec = stringify({
  'postgres-credentials': { username: 'POSTGRES_USERNAME', password: 'POSTGRES_PASSWORD' },
  'api-gateway-secrets': { 'jwt-secret': 'JWT_SECRET' },
  'grafana-admin': { 'admin-user': 'GRAFANA_ADMIN_USER', 'admin-password': 'GRAFANA_ADMIN_PASSWORD' },
});

/** build -> scan -> publish -> deploy; returns the deploy step's release manifest. */
async function buildToDeploy(
  version: string,
): Promise<{ manifest: ReleaseManifest; runs: ActionRun[]; previousVersion?: string }> {
  const runnerDir = path.join(dir, `runner-${version}`);
  fs.mkdirSync(runnerDir, { recursive: true });
  const step = (name: Parameters<typeof runAction>[0], inputs: Record<string, string>) =>
    runAction(name, { inputs, env: env(version), runnerDir, timeoutMs: 600_000 });

  const build = succeeded(
    'build-services',
    await step('build-services', {
      registry: registry.host,
      namespace: 'alt-las',
      'build-contexts': `busybox=${busybox}`,
      'output-dir': path.join(dir, `images-${version}`),
    }),
  );
  const scan = succeeded(
    'trivy-gate',
    await step('trivy-gate', {
      'release-manifest': build.outputs['release-manifest']!,
      'trivy-download-url': trivy.url,
      'cache-db': 'false',
    }),
  );
  const publish = succeeded(
    'publish-ghcr',
    await step('publish-ghcr', {
      'release-manifest': scan.outputs['release-manifest']!,
      registry: registry.host,
      namespace: 'alt-las',
      username: registry.username,
      token: registry.password,
    }),
  );
  const deploy = succeeded(
    'k8s-deploy',
    await step('k8s-deploy', {
      manifests: 'kubernetes/production',
      'release-manifest': publish.outputs['release-manifest']!,
      kubeconfig: kube.kubeconfig(),
      vars: vars(version),
      secrets: secretsSpec,
      timeout: '5m',
    }),
  );
  return {
    manifest: readReleaseManifest(deploy.outputs['release-manifest']!),
    runs: [build, scan, publish, deploy],
    previousVersion: deploy.outputs['previous-version'],
  };
}

/** Starts the built images on the host as the cluster would run them; `skip` leaves services down. */
async function startRelease(manifest: ReleaseManifest, skip: string[] = []): Promise<string> {
  await stopServices();
  const urls: Record<string, string> = {};
  for (const name of SERVICES.filter((s) => s !== 'api-gateway')) {
    if (skip.includes(name)) {
      urls[name] = 'http://127.0.0.1:9';
      continue;
    }
    const service = manifest.services.find((s) => s.name === name)!;
    const image = unpackImage(
      service.build!.archive,
      manifest.release.version,
      makeTempDir(path.join(path.basename(dir), name)),
    );
    const started = await startFromImage(image);
    running.push(started);
    urls[name] = started.url;
  }
  const gatewayRelease = manifest.services.find((s) => s.name === 'api-gateway')!;
  const gateway = await startFromImage(
    unpackImage(
      gatewayRelease.build!.archive,
      manifest.release.version,
      makeTempDir(path.join(path.basename(dir), 'gw')),
    ),
    {
      SEGMENTATION_SERVICE_URL: urls['segmentation-service']!,
      AI_ORCHESTRATOR_URL: urls['ai-orchestrator']!,
      ARCHIVE_SERVICE_URL: urls['archive-service']!,
    },
  );
  running.push(gateway);
  return gateway.url;
}

/**
 * The repository's checks for plain HTTP on 127.0.0.1: TLS and header checks need the real ingress.
 * The example services answer each request from a shell and close the connection, so the load test
 * runs at a modest rate and is reported without deciding the verdict (`fail-on` below).
 */
function pipelineChecksFile(): string {
  const checks = parse(fs.readFileSync(path.join(repoRoot, 'checks.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const file = path.join(dir, 'checks.yaml');
  fs.writeFileSync(
    file,
    stringify({ ...checks, security: false, load: { method: 'GET', path: '/health', rate: 20 } }),
  );
  return file;
}

function verify(version: string, baseUrl: string): Promise<ActionRun> {
  return runAction('post-deploy-verify', {
    inputs: {
      'base-url': baseUrl,
      'checks-file': pipelineChecksFile(),
      'warmup-timeout': '10s',
      'load-duration': '2s',
      'load-connections': '1',
      'fail-on': 'health,smoke,cluster',
      'p95-ms': '2000',
      kubeconfig: kube.kubeconfig(),
      namespace: NAMESPACE,
    },
    env: env(version),
    timeoutMs: 300_000,
  });
}

function deployedImages(): Record<string, string> {
  return Object.fromEntries(
    SERVICES.map((name) => {
      const deployment = kube.objects('Deployment', NAMESPACE).find((d) => d.metadata.name === name);
      return [
        name,
        deployment?.spec.template.spec.containers.find((c: { name: string }) => c.name === name)?.image,
      ];
    }),
  );
}

test('a tagged release is built, scanned, pushed, deployed and verified; a failed verification rolls back', async () => {
  // v1.0.0: the whole pipeline.
  const first = await buildToDeploy('1.0.0');
  const gateway = await startRelease(first.manifest);
  const verified = await verify('1.0.0', gateway);
  expect([verified.exitCode, verified.outputs.verdict, verified.outputs.failures]).toEqual([0, 'pass', '[]']);

  for (const service of first.manifest.services) {
    const built = service.build!.digest;
    expect(service.test?.result).toMatch(/passed/);
    expect(service.scan).toMatchObject({ verdict: 'pass', digest: built });
    expect(service.publish!.digest).toBe(built);
    expect(await skopeoDigest(registry, `${service.image}:1.0.0`)).toBe(built);
    expect(service.deploy?.result).toBe('deployed');
    expect(deployedImages()[service.name]).toBe(`${service.image}:1.0.0@${built}`);
  }

  // v1.0.1 deploys, but the archive service never answers: verification fails, and the workflow's
  // rollback job (k8s-deploy mode rollback) returns production to v1.0.0.
  const second = await buildToDeploy('1.0.1');
  const secondDigests = Object.fromEntries(second.manifest.services.map((s) => [s.name, s.publish!.digest]));
  expect(Object.values(deployedImages())).toEqual(
    second.manifest.services.map((s) => `${s.image}:1.0.1@${secondDigests[s.name]}`),
  );
  const broken = await verify('1.0.1', await startRelease(second.manifest, ['archive-service']));
  expect(broken.exitCode).toBe(1);
  expect(broken.outputs.verdict).toBe('fail');
  expect(JSON.parse(broken.outputs.failures!)).toEqual(
    expect.arrayContaining([expect.objectContaining({ category: 'health' })]),
  );

  // As the workflow's rollback job does: back to the version deploy-production reported it replaced.
  expect(first.previousVersion).toBeUndefined();
  expect(second.previousVersion).toBe('1.0.0');
  // A new release rolls out the services, not the database or the monitoring stack.
  const revisions = JSON.parse(second.runs[3]!.outputs.revisions!) as Record<
    string,
    { before: string; after: string }
  >;
  expect(revisions['Deployment/api-gateway']).toEqual({ before: '1', after: '2' });
  expect(revisions['Deployment/grafana']).toEqual({ before: '1', after: '1' });
  expect(revisions['StatefulSet/postgres']!.after).toBe(revisions['StatefulSet/postgres']!.before);
  const rollback = succeeded(
    'k8s-deploy rollback',
    await runAction('k8s-deploy', {
      inputs: {
        mode: 'rollback',
        'rollback-to': second.previousVersion!,
        kubeconfig: kube.kubeconfig(),
        timeout: '5m',
      },
      env: env('1.0.1'),
    }),
  );
  expect(rollback.outputs.result).toBe('rolled-back');
  expect(deployedImages()).toEqual(
    Object.fromEntries(first.manifest.services.map((s) => [s.name, `${s.image}:1.0.0@${s.build!.digest}`])),
  );
  const again = await verify('1.0.0', await startRelease(first.manifest));
  expect(again.outputs.verdict).toBe('pass');

  // No secret value reached anything a person or a later step reads.
  for (const run of [...first.runs, ...second.runs, verified, broken, rollback]) {
    const visible = [run.summary, JSON.stringify(run.outputs), JSON.stringify(run.annotations)].join('\n');
    for (const value of Object.values(SECRETS).filter((v) => v.startsWith('canary'))) {
      expect(visible).not.toContain(value);
    }
  }
});
