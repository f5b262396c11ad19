import { errorMessage, type Exec, type Logger } from '@alt-las/action-kit';
import type { ClusterExpectations } from './checks-plan';
import {
  isDefaultDeny,
  policiesFor,
  type Container,
  type Direction,
  type NetworkPolicy,
  type Pod,
} from './kube-objects';
import { check, type CheckResult } from './results';

export interface ClusterOptions {
  exec: Exec;
  logger: Logger;
  namespace: string;
  /** Path of the kubeconfig kubectl uses. */
  kubeconfig: string;
  kubectl?: string;
}

/** Runs `kubectl get <resource> -o json` and returns its items. */
async function list<T>(options: ClusterOptions, resource: string): Promise<T[]> {
  const result = await options.exec(
    options.kubectl ?? 'kubectl',
    ['get', resource, '--namespace', options.namespace, '--output', 'json', '--request-timeout', '30s'],
    { env: { KUBECONFIG: options.kubeconfig }, silent: true, timeoutMs: 60_000 },
  );
  if (result.exitCode !== 0) {
    throw new Error(
      `kubectl get ${resource} failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  try {
    return ((JSON.parse(result.stdout) as { items?: T[] }).items ?? []) as T[];
  } catch (error) {
    throw new Error(`kubectl get ${resource} printed no JSON list: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

/** Reads pods and NetworkPolicies of the namespace and evaluates them. */
export async function runClusterChecks(
  expectations: ClusterExpectations,
  options: ClusterOptions,
): Promise<CheckResult[]> {
  let pods: Pod[];
  let policies: NetworkPolicy[];
  try {
    [pods, policies] = await Promise.all([
      list<Pod>(options, 'pods'),
      list<NetworkPolicy>(options, 'networkpolicies.networking.k8s.io'),
    ]);
  } catch (error) {
    return [check('cluster', 'cluster access', 'fail', errorMessage(error))];
  }
  options.logger.info(
    `namespace ${options.namespace}: ${pods.length} pod(s), ${policies.length} NetworkPolicy(ies)`,
  );
  return evaluateCluster(pods, policies, expectations, options.namespace);
}

const running = (pod: Pod) => pod.status?.phase !== 'Succeeded';

function whyNotReady(pod: Pod): string {
  const waiting = (pod.status?.containerStatuses ?? [])
    .filter((status) => !status.ready)
    .map((status) => {
      const [state, info] = Object.entries(status.state ?? {})[0] ?? ['unknown', {}];
      return `${status.name} ${info.reason ?? state}`;
    });
  if (waiting.length > 0) return waiting.join(', ');
  const condition = pod.status?.conditions?.find((entry) => entry.status !== 'True');
  return condition
    ? `${condition.type}: ${condition.reason ?? condition.message ?? 'False'}`
    : (pod.status?.phase ?? 'no status');
}

export function evaluateCluster(
  allPods: Pod[],
  policies: NetworkPolicy[],
  expectations: ClusterExpectations,
  namespace: string,
): CheckResult[] {
  const pods = allPods.filter(running);
  if (pods.length === 0)
    return [check('cluster', 'pods ready', 'fail', `no running pods in namespace ${namespace}`)];
  const results: CheckResult[] = [];
  const notReady = pods.filter(
    (pod) => pod.status?.conditions?.find((entry) => entry.type === 'Ready')?.status !== 'True',
  );
  results.push(
    notReady.length === 0
      ? check('cluster', 'pods ready', 'pass', `all ${pods.length} pods are Ready`)
      : check(
          'cluster',
          'pods ready',
          'fail',
          `${notReady.length} of ${pods.length} pods not Ready: ${notReady.map((pod) => `${pod.metadata.name} (${whyNotReady(pod)})`).join('; ')}`,
        ),
  );
  if (expectations.defaultDeny) {
    const missing = (['Ingress', 'Egress'] as Direction[]).filter(
      (direction) => !policies.some((policy) => isDefaultDeny(policy, direction)),
    );
    const found = policies.filter(
      (policy) => isDefaultDeny(policy, 'Ingress') || isDefaultDeny(policy, 'Egress'),
    );
    results.push(
      missing.length === 0
        ? check(
            'cluster',
            'default-deny policy',
            'pass',
            `default deny by ${found.map((policy) => policy.metadata.name).join(', ')}`,
          )
        : check(
            'cluster',
            'default-deny policy',
            'fail',
            `no NetworkPolicy denies all ${missing.join(' and ').toLowerCase()} traffic by default (podSelector: {} with no ${missing.join('/').toLowerCase()} rules)`,
          ),
    );
  }
  if (expectations.networkPolicies) {
    const uncovered = pods.flatMap((pod) =>
      (['Ingress', 'Egress'] as Direction[])
        .filter((direction) => policiesFor(pod, policies, direction).length === 0)
        .map((direction) => `${pod.metadata.name} (${direction.toLowerCase()})`),
    );
    results.push(
      uncovered.length === 0
        ? check(
            'cluster',
            'network policy coverage',
            'pass',
            `every pod is selected by ingress and egress policies`,
          )
        : check(
            'cluster',
            'network policy coverage',
            'fail',
            `not selected by any policy: ${uncovered.join(', ')}`,
          ),
    );
  }
  if (expectations.nonRoot) {
    const privileged: string[] = [];
    const root: string[] = [];
    for (const pod of pods) {
      for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        const where = `${pod.metadata.name}/${container.name}`;
        if (container.securityContext?.privileged) privileged.push(where);
        const reason = rootReason(pod, container);
        if (reason) root.push(`${where} (${reason})`);
      }
    }
    results.push(
      privileged.length === 0
        ? check('cluster', 'privileged containers', 'pass', 'no container runs privileged')
        : check('cluster', 'privileged containers', 'fail', `privileged: ${privileged.join(', ')}`),
      root.length === 0
        ? check(
            'cluster',
            'non-root containers',
            'pass',
            'every container is required to run as a non-root user',
          )
        : check('cluster', 'non-root containers', 'fail', `may run as root: ${root.join(', ')}`),
    );
  }
  return results;
}

/** Why a container may run as root, or undefined when its security context rules it out. */
function rootReason(pod: Pod, container: Container): string | undefined {
  const user = container.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
  const nonRoot = container.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot;
  if (user === 0) return 'runAsUser: 0';
  if (user !== undefined) return undefined;
  // Without runAsUser the image decides; only runAsNonRoot makes the kubelet refuse UID 0.
  return nonRoot === true ? undefined : 'neither runAsNonRoot: true nor a non-zero runAsUser';
}
