// The Kubernetes API stand-in under the load the k8s-deploy benchmarks put on it: server-side apply of
// 500 objects by real kubectl (peer: the same kubectl run with --dry-run=client, which never reaches
// the server), a no-op re-apply, and how late a `kubectl get --watch` learns that a Deployment became
// available (peer: an in-process HTTP watch on the same server).
// `npx tsx bench/run.ts kube-api`
import * as http from 'node:http';
import { spawn } from 'node:child_process';
import { deploymentYaml, namespaceYaml, startCluster, type Cluster } from '../action-tests/kube-api/kubectl';
import type { BenchmarkResult } from './run';

const OBJECTS = 500;
const APPLY_TARGET_MS = 5_000;
const WATCH_LAG_TARGET_MS = 250;
const ROUNDS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

function manyObjects(namespace: string): string {
  const docs = [namespaceYaml(namespace)];
  for (let i = 0; docs.length < OBJECTS; i++) {
    if (i % 10 === 0)
      docs.push(deploymentYaml(`svc-${i}`, `ghcr.io/alt-las/svc-${i}:1.0.0`, { namespace, replicas: 2 }));
    else if (i % 10 < 4)
      docs.push(
        `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: ${namespace}}\nspec: {selector: {app: svc-${i}}, ports: [{port: 80}]}\n`,
      );
    else
      docs.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: ${namespace}}\ndata: {index: "${i}"}\n`,
      );
  }
  return docs.join('---\n');
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Milliseconds from `since` until a line of a stream shows the deployment complete. */
function waitAvailable(stream: NodeJS.ReadableStream, name: string): Promise<number> {
  return new Promise((resolve) => {
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      // Both kubectl's JSON output and the raw stream carry the status; match the completed form.
      const pattern = new RegExp(`"name":\\s*"${name}"[\\s\\S]*?"reason":\\s*"NewReplicaSetAvailable"`);
      if (pattern.test(buffer)) resolve(performance.now());
      if (buffer.length > 1_000_000) buffer = buffer.slice(-100_000);
    });
  });
}

async function watchLag(
  cluster: Cluster,
  kubeconfig: string,
  round: number,
): Promise<{ rollout: number; lag: number }> {
  const name = `watched-${round}`;
  const request = http.get(
    `${cluster.api.url}/apis/apps/v1/namespaces/bench/deployments?watch=true&fieldSelector=metadata.name%3D${name}`,
  );
  const raw = new Promise<number>((resolve) =>
    request.on('response', (response) => resolve(waitAvailable(response, name))),
  );
  const child = spawn(
    'kubectl',
    [
      `--kubeconfig=${kubeconfig}`,
      `--cache-dir=${cluster.dir}/cache`,
      'get',
      'deployments',
      '-n',
      'bench',
      '--watch',
      '--output-watch-events',
      '-o',
      'json',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const viaKubectl = waitAvailable(child.stdout, name);
  await new Promise((resolve) => setTimeout(resolve, 500)); // both watches established
  const applied = performance.now();
  await cluster.ok(
    ['apply', '--server-side', '-f', '-'],
    deploymentYaml(name, 'ghcr.io/alt-las/watched:1.0.0', { namespace: 'bench', replicas: 1 }),
  );
  const [rawAt, kubectlAt] = await Promise.all([raw, viaKubectl]);
  request.destroy();
  child.kill();
  return { rollout: rawAt - applied, lag: kubectlAt - rawAt };
}

export default async function benchmark(): Promise<BenchmarkResult> {
  const cluster = await startCluster();
  try {
    const kubeconfig = cluster.api.writeKubeconfig(cluster.dir);
    const applies: number[] = [];
    const clientOnly: number[] = [];
    const reapplies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const yaml = manyObjects(`load-${round}`);
      clientOnly.push(await timed(() => cluster.ok(['apply', '--dry-run=client', '-f', '-'], yaml)));
      applies.push(
        await timed(() => cluster.ok(['apply', '--server-side', '--field-manager=bench', '-f', '-'], yaml)),
      );
      reapplies.push(
        await timed(() => cluster.ok(['apply', '--server-side', '--field-manager=bench', '-f', '-'], yaml)),
      );
    }
    await cluster.ok(['apply', '--server-side', '-f', '-'], namespaceYaml('bench'));
    const lags: number[] = [];
    const rollouts: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { rollout, lag } = await watchLag(cluster, kubeconfig, round);
      rollouts.push(rollout);
      lags.push(lag);
    }
    const apply = median(applies);
    const lag = median(lags);
    return {
      name: `kube-api stand-in: ${OBJECTS} objects by kubectl, watch notification`,
      lines: [
        `server-side apply of ${OBJECTS} objects: ${applies.map(ms).join(', ')} (median ${ms(apply)}, target < ${ms(APPLY_TARGET_MS)})`,
        `peer, kubectl apply --dry-run=client of the same: ${clientOnly.map(ms).join(', ')} (median ${ms(median(clientOnly))}); ratio ${(apply / median(clientOnly)).toFixed(2)}`,
        `re-apply, nothing changed: ${reapplies.map(ms).join(', ')} (median ${ms(median(reapplies))})`,
        `kubectl watch sees a Deployment available after the in-process watch: ${lags.map(ms).join(', ')} (median ${ms(lag)}, target < ${ms(WATCH_LAG_TARGET_MS)}; both usually arrive in the same event-loop poll)`,
        `apply to available (one replica, stepMs 100, includes kubectl start-up): ${rollouts.map(ms).join(', ')} (median ${ms(median(rollouts))})`,
        `objects stored: ${cluster.api.objects().length}`,
      ],
      metTargets: apply < APPLY_TARGET_MS && lag < WATCH_LAG_TARGET_MS,
    };
  } finally {
    await cluster.stop();
  }
}
