import { MemoryLogger, type Exec, type ExecOptions } from '@alt-las/action-kit';
import {
  evaluateCluster,
  isDefaultDeny,
  policyDirections,
  runClusterChecks,
  selectorMatches,
  type NetworkPolicy,
  type Pod,
} from '@alt-las/verify';

const ALL = { defaultDeny: true, networkPolicies: true, nonRoot: true };

const pod = (
  name: string,
  overrides: {
    labels?: Record<string, string>;
    ready?: boolean;
    phase?: string;
    container?: Record<string, unknown>;
    podContext?: Record<string, unknown>;
    init?: boolean;
  } = {},
): Pod => ({
  metadata: { name, labels: overrides.labels ?? { 'app.kubernetes.io/name': name.split('-')[0]! } },
  spec: {
    securityContext: overrides.podContext ?? { runAsNonRoot: true },
    containers: [{ name: 'main', securityContext: overrides.container }],
    ...(overrides.init ? { initContainers: [{ name: 'migrate', securityContext: { runAsUser: 0 } }] } : {}),
  },
  status: {
    phase: overrides.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: overrides.ready === false ? 'False' : 'True' }],
    containerStatuses: [
      {
        name: 'main',
        ready: overrides.ready !== false,
        state: overrides.ready === false ? { waiting: { reason: 'ImagePullBackOff' } } : { running: {} },
      },
    ],
  },
});

const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ metadata: { name }, spec });
const denyAll = policy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

test('label selectors: matchLabels and every matchExpressions operator', () => {
  const labels = { app: 'gateway', tier: 'edge' };
  expect(selectorMatches({}, labels)).toBe(true);
  expect(selectorMatches({ matchLabels: { app: 'gateway' } }, labels)).toBe(true);
  expect(selectorMatches({ matchLabels: { app: 'archive' } }, labels)).toBe(false);
  expect(
    selectorMatches(
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['edge', 'core'] }] },
      labels,
    ),
  ).toBe(true);
  expect(
    selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['edge'] }] }, labels),
  ).toBe(false);
  expect(selectorMatches({ matchExpressions: [{ key: 'debug', operator: 'DoesNotExist' }] }, labels)).toBe(
    true,
  );
  expect(selectorMatches({ matchExpressions: [{ key: 'debug', operator: 'Exists' }] }, labels)).toBe(false);
});

test('policy types default the way the API server does', () => {
  expect(policyDirections(policy('p', { podSelector: {} }))).toEqual(['Ingress']);
  expect(policyDirections(policy('p', { podSelector: {}, egress: [{}] }))).toEqual(['Ingress', 'Egress']);
  // Without policyTypes an empty policy denies ingress only.
  expect(isDefaultDeny(policy('p', { podSelector: {} }), 'Ingress')).toBe(true);
  expect(isDefaultDeny(policy('p', { podSelector: {} }), 'Egress')).toBe(false);
  // An allow-all rule is not a deny.
  expect(
    isDefaultDeny(policy('p', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] }), 'Ingress'),
  ).toBe(false);
  expect(
    isDefaultDeny(
      policy('p', { podSelector: { matchLabels: { a: 'b' } }, policyTypes: ['Ingress'] }),
      'Ingress',
    ),
  ).toBe(false);
});

test('a locked-down namespace passes; finished Job pods are ignored', () => {
  const results = evaluateCluster(
    [pod('gateway-1'), pod('migrate-1', { phase: 'Succeeded', ready: false })],
    [denyAll],
    ALL,
    'ns',
  );
  expect(results.map((result) => [result.name, result.status])).toEqual([
    ['pods ready', 'pass'],
    ['default-deny policy', 'pass'],
    ['network policy coverage', 'pass'],
    ['privileged containers', 'pass'],
    ['non-root containers', 'pass'],
  ]);
});

test('every problem is named with its pod', () => {
  const pods = [
    pod('gateway-1', { ready: false }),
    pod('archive-1', { container: { privileged: true } }),
    pod('worker-1', { podContext: {}, container: {} }),
    pod('db-1', { podContext: { runAsNonRoot: true }, init: true }),
  ];
  const ingressOnly = policy('ingress-deny', { podSelector: {}, policyTypes: ['Ingress'] });
  const results = Object.fromEntries(
    evaluateCluster(pods, [ingressOnly], ALL, 'ns').map((result) => [
      result.name,
      `${result.status}: ${result.message}`,
    ]),
  );
  expect(results).toEqual({
    'pods ready': 'fail: 1 of 4 pods not Ready: gateway-1 (main ImagePullBackOff)',
    'default-deny policy':
      'fail: no NetworkPolicy denies all egress traffic by default (podSelector: {} with no egress rules)',
    'network policy coverage':
      'fail: not selected by any policy: gateway-1 (egress), archive-1 (egress), worker-1 (egress), db-1 (egress)',
    'privileged containers': 'fail: privileged: archive-1/main',
    'non-root containers':
      'fail: may run as root: worker-1/main (neither runAsNonRoot: true nor a non-zero runAsUser), db-1/migrate (runAsUser: 0)',
  });
});

test('an empty namespace fails instead of passing vacuously', () => {
  expect(evaluateCluster([], [denyAll], ALL, 'atlas-production')).toEqual([
    expect.objectContaining({
      name: 'pods ready',
      status: 'fail',
      message: 'no running pods in namespace atlas-production',
    }),
  ]);
});

test('kubectl runs with the kubeconfig and namespace; its failure is reported', async () => {
  const calls: { args: string[]; options?: ExecOptions }[] = [];
  const exec: Exec = async (_command, args, options) => {
    calls.push({ args, options });
    if (args[1] === 'pods')
      return { exitCode: 0, stdout: JSON.stringify({ items: [pod('gateway-1')] }), stderr: '' };
    return { exitCode: 1, stdout: '', stderr: 'error: the server does not allow access to networkpolicies' };
  };
  const results = await runClusterChecks(ALL, {
    exec,
    logger: new MemoryLogger(),
    namespace: 'atlas-production',
    kubeconfig: '/tmp/kubeconfig',
  });
  expect(calls.map((call) => call.args)).toEqual([
    ['get', 'pods', '--namespace', 'atlas-production', '--output', 'json', '--request-timeout', '30s'],
    [
      'get',
      'networkpolicies.networking.k8s.io',
      '--namespace',
      'atlas-production',
      '--output',
      'json',
      '--request-timeout',
      '30s',
    ],
  ]);
  expect(calls[0]!.options?.env).toEqual({ KUBECONFIG: '/tmp/kubeconfig' });
  expect(results).toEqual([
    expect.objectContaining({
      name: 'cluster access',
      status: 'fail',
      message:
        'kubectl get networkpolicies.networking.k8s.io failed (exit 1): error: the server does not allow access to networkpolicies',
    }),
  ]);
});
