// k8s-deploy against the Kubernetes API stand-in, with the real kubectl:
// 1. notice delay: from the moment the last workload is available in the API (seen in-process) until
//    the watch-driven waiter reports it, against `kubectl rollout status` started at the same time;
// 2. the action's own overhead on the ALT_LAS release (all of kubernetes/production): run time minus
//    the simulated rollout time, against a bare `kubectl apply --server-side` of the same plan;
// 3. a 500-object release end to end, against the same bare apply.
// `npx tsx bench/run.ts k8s-deploy`
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionsExecRunner, MemoryLogger } from '@alt-las/action-kit';
import { Kubectl, kubectlWatcher, waitForWorkloads, type KubeObject } from '@alt-las/kube';
import { makeTempDir, runAction } from '../action-tests/harness';
import { startKubeApi, type KubeApi } from '../action-tests/harness/kube-api';
import { digest, OWNER, REGISTRY, releaseManifestFile } from '../action-tests/k8s-deploy/deploy-helpers';
import type { BenchmarkResult } from './run';

const ROUNDS = 5;
const NOTICE_TARGET_MS = 1000;
const OVERHEAD_TARGET_MS = 3000;
const LARGE_TARGET_MS = 15_000;
const SERVICES = ['api-gateway', 'segmentation-service', 'ai-orchestrator', 'archive-service'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${Math.round(value)}ms`;

function spawnTimed(
  args: string[],
  input?: string,
): Promise<{ code: number | null; at: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, at: Date.now(), output }));
    child.stdin.end(input ?? '');
  });
}

const deploymentYaml = (name: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: bench }
spec:
  replicas: 3
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec: { containers: [{ name: app, image: "${image}" }] }
`;

/** Rolls a Deployment to a new image and times who notices availability first. */
async function noticeDelay(kube: KubeApi, kubeconfig: string, round: number) {
  const kubectl = new Kubectl(actionsExecRunner, { binary: 'kubectl', kubeconfig });
  const name = `notice-${round}`;
  await kubectl.apply(deploymentYaml(name, `r.test/app@${digest('a')}`), {
    serverSide: true,
    fieldManager: 'bench',
    forceConflicts: false,
  });
  const applied = await kubectl.json<KubeObject>(['get', 'deployment', name, '-n', 'bench']);
  let availableAt = 0;
  const poll = setInterval(() => {
    const live = kube.objects('Deployment', 'bench').find((object) => object.metadata.name === name);
    const status = live?.status ?? {};
    if (
      !availableAt &&
      status.observedGeneration >= live?.metadata.generation &&
      status.availableReplicas === 3 &&
      status.updatedReplicas === 3 &&
      status.replicas === 3
    )
      availableAt = Date.now();
  }, 2);
  const [waited, peer] = await Promise.all([
    waitForWorkloads([applied], {
      watcher: kubectlWatcher(kubectl),
      timeoutMs: 60_000,
      logger: new MemoryLogger(),
    }),
    spawnTimed([
      '--kubeconfig',
      kubeconfig,
      'rollout',
      'status',
      `deployment/${name}`,
      '-n',
      'bench',
      '--timeout=60s',
    ]),
  ]);
  clearInterval(poll);
  if (!waited.ok || peer.code !== 0 || !availableAt)
    throw new Error(`notice round ${round} did not complete: ${peer.output}`);
  return { watcher: waited.settledAt - availableAt, peer: peer.at - availableAt };
}

async function productionRun(kube: KubeApi, dir: string, version: string, fill: string, dryRun = false) {
  const run = await runAction('k8s-deploy', {
    env: {
      PG_USER: 'pg-user-b7Xq',
      PG_PASSWORD: 'pg-password-Lm4r',
      JWT: 'jwt-Kw83z',
      GRAFANA_USER: 'grafana-user-Tp5',
      GRAFANA_PASSWORD: 'grafana-password-Ue2',
    },
    inputs: {
      manifests: 'kubernetes/production',
      // The dry run stays offline so its output is the plan alone.
      kubeconfig: dryRun ? '' : kube.kubeconfig(),
      'release-manifest': releaseManifestFile(dir, version, fill, SERVICES),
      vars: `IMAGE_REGISTRY=${REGISTRY}\nIMAGE_OWNER=${OWNER}\nRELEASE_VERSION=${version}\nAPI_HOST=api.test\nMONITORING_HOST=grafana.test\nACME_EMAIL=ops@test.example`,
      secrets:
        'postgres-credentials:\n  username: PG_USER\n  password: PG_PASSWORD\napi-gateway-secrets:\n  jwt-secret: JWT\ngrafana-admin:\n  admin-user: GRAFANA_USER\n  admin-password: GRAFANA_PASSWORD',
      'dry-run': String(dryRun),
    },
  });
  if (run.exitCode !== 0) throw new Error(`k8s-deploy failed: ${run.stdout.slice(-2000)}`);
  const waited = /available after (\d+(?:\.\d+)?)(ms|s)/.exec(run.summary);
  const waitMs = waited ? Number(waited[1]) * (waited[2] === 's' ? 1000 : 1) : 0;
  const plan = fs.readFileSync(run.outputs.diff!, 'utf8');
  fs.rmSync(run.runnerDir, { recursive: true, force: true });
  return { total: run.durationMs, waitMs, plan };
}

function largeRelease(dir: string, count: number): string {
  const folder = path.join(dir, 'large');
  fs.mkdirSync(folder, { recursive: true });
  const objects: string[] = ['apiVersion: v1\nkind: Namespace\nmetadata: { name: large }\n'];
  for (let i = 0; objects.length < count; i++) {
    objects.push(
      i % 10 === 0
        ? deploymentYaml(`app-${i}`, `${REGISTRY}/${OWNER}/alt-las-api-gateway:1.0.0`)
            .replace('namespace: bench', 'namespace: large')
            .replace('replicas: 3', 'replicas: 1')
        : `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-${i}, namespace: large }\ndata: { key: "value-${i}" }\n`,
    );
  }
  fs.writeFileSync(path.join(folder, 'release.yaml'), objects.join('---\n'));
  return folder;
}

export default async function benchmark(): Promise<BenchmarkResult> {
  const dir = makeTempDir('bench-k8s-deploy');
  const kube = await startKubeApi({ stepMs: 50 });
  // The bare-kubectl peer applies into its own stand-in, so the two never share field ownership.
  const peerKube = await startKubeApi({ stepMs: 50 });
  const lines: string[] = [];
  let met = true;
  try {
    const kubeconfig = kube.writeKubeconfig(dir);
    fs.mkdirSync(path.join(dir, 'peer'));
    const peerConfig = peerKube.writeKubeconfig(path.join(dir, 'peer'));
    await spawnTimed(
      ['--kubeconfig', kubeconfig, 'apply', '-f', '-'],
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: bench }\n',
    );

    const notices = [];
    for (let round = 0; round < ROUNDS; round++) notices.push(await noticeDelay(kube, kubeconfig, round));
    const watcher = median(notices.map((n) => n.watcher));
    const peer = median(notices.map((n) => n.peer));
    met &&= watcher < NOTICE_TARGET_MS;
    lines.push(
      `notice delay after the last workload is available: median ${ms(watcher)} over ${ROUNDS} rollouts (target < ${ms(NOTICE_TARGET_MS)}); kubectl rollout status ${ms(peer)}; ratio ${(watcher / peer).toFixed(2)}`,
    );

    // The peer applies the same rendered plan, less the Secrets (whose values the plan redacts).
    const rendered = (await productionRun(kube, dir, '1.0.0', 'a', true)).plan
      .split(/^---\n/m)
      .filter((document) => !/^kind: Secret$/m.test(document))
      .join('---\n');
    const overheads: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < 3; round++) {
      const run = await productionRun(kube, dir, `1.${round}.0`, String.fromCharCode(97 + round));
      overheads.push(run.total - run.waitMs);
      const started = Date.now();
      await spawnTimed(['--kubeconfig', peerConfig, 'diff', '--server-side', '-f', '-'], rendered);
      const applied = await spawnTimed(
        [
          '--kubeconfig',
          peerConfig,
          'apply',
          '--server-side',
          '--force-conflicts',
          '--field-manager=bench-peer',
          '-f',
          '-',
        ],
        rendered,
      );
      if (applied.code !== 0) throw new Error(`bare kubectl apply failed: ${applied.output.slice(-1000)}`);
      bare.push(Date.now() - started);
    }
    const overhead = median(overheads);
    met &&= overhead < OVERHEAD_TARGET_MS;
    lines.push(
      `action overhead on kubernetes/production (run time minus rollout wait): median ${ms(overhead)} over 3 releases (target < ${ms(OVERHEAD_TARGET_MS)}); bare kubectl diff + apply of the same plan ${ms(median(bare))}`,
    );

    const folder = largeRelease(dir, 500);
    const started = Date.now();
    const large = await runAction('k8s-deploy', {
      inputs: {
        manifests: folder,
        namespace: 'large',
        kubeconfig: kube.kubeconfig(),
        images: `${REGISTRY}/${OWNER}/alt-las-api-gateway@${digest('a')}`,
        timeout: '60s',
      },
    });
    const largeMs = Date.now() - started;
    if (large.exitCode !== 0) throw new Error(`500-object release failed: ${large.stdout.slice(-2000)}`);
    const peerStarted = Date.now();
    await spawnTimed([
      '--kubeconfig',
      peerConfig,
      'apply',
      '--server-side',
      '--field-manager=bench-peer',
      '-f',
      path.join(folder, 'release.yaml'),
    ]);
    const largePeer = Date.now() - peerStarted;
    met &&= largeMs < LARGE_TARGET_MS;
    lines.push(
      `500 objects (50 Deployments, 450 ConfigMaps), first install with wait: ${ms(largeMs)} (target < ${ms(LARGE_TARGET_MS)}); bare kubectl apply of the same file ${ms(largePeer)}`,
    );
  } finally {
    await kube.stop();
    await peerKube.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'k8s-deploy (API stand-in, real kubectl)', lines, metTargets: met };
}
