import { NetworkModel, parseManifests, type Endpoint } from '@alt-las/manifest-policy';

/** Two namespaces, three workloads, and the policies each case adds. */
function model(policies: string): { model: NetworkModel; pod: (name: string) => Endpoint } {
  const workloads = ['web', 'db', 'batch']
    .map(
      (name, index) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${index === 2 ? 'jobs' : 'app'} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name}, tier: ${name === 'db' ? 'data' : 'front'} } }
    spec:
      containers:
        - name: ${name}
          ports: [{ name: main, containerPort: ${5000 + index} }]
`,
    )
    .join('---');
  const namespaces = `
apiVersion: v1
kind: Namespace
metadata: { name: jobs, labels: { team: batch } }
`;
  const built = new NetworkModel(parseManifests('case.yaml', [workloads, namespaces, policies].join('---')));
  return { model: built, pod: (name) => built.endpointOf(built.pods.find((pod) => pod.name === name)!) };
}

const outside: Endpoint = { name: 'outside', namespace: 'elsewhere', labels: { app: 'x' } };

test('without policies everything is allowed', () => {
  const { model: network, pod } = model('');
  expect(network.allows(pod('web'), pod('db'), { port: 5001 })).toBe(true);
  expect(network.allows(outside, pod('db'), { port: 5001 })).toBe(true);
});

test('a policy with only ingress rules isolates ingress, not egress (policyTypes defaulting)', () => {
  const { model: network, pod } = model(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: app }
spec:
  podSelector: { matchLabels: { app: db } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: web } } }], ports: [{ port: main }] }]
`);
  expect(network.allows(pod('web'), pod('db'), { port: 5001 })).toBe(true);
  expect(network.allows(pod('web'), pod('db'), { port: 5002 })).toBe(false);
  expect(network.allows(pod('web'), pod('db'), { port: 5001, protocol: 'UDP' })).toBe(false);
  expect(network.allows(pod('batch'), pod('db'), { port: 5001 })).toBe(false);
  expect(network.allows(pod('db'), outside, { port: 443 })).toBe(true);
});

test('namespaceSelector and podSelector in one peer must both match; in two peers either may', () => {
  const policy = (peers: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: app }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
  ingress: [{ from: ${peers} }]
`;
  const both = model(
    policy(
      '[{ namespaceSelector: { matchLabels: { team: batch } }, podSelector: { matchLabels: { app: web } } }]',
    ),
  );
  expect(both.model.allows(both.pod('batch'), both.pod('db'), { port: 5001 })).toBe(false);
  const either = model(
    policy(
      '[{ namespaceSelector: { matchLabels: { team: batch } } }, { podSelector: { matchLabels: { app: web } } }]',
    ),
  );
  expect(either.model.allows(either.pod('batch'), either.pod('db'), { port: 5001 })).toBe(true);
  expect(either.model.allows(either.pod('web'), either.pod('db'), { port: 5001 })).toBe(true);
});

test('egress isolation, port ranges and ipBlock peers', () => {
  const { model: network, pod } = model(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: app }
spec:
  podSelector: { matchExpressions: [{ key: tier, operator: In, values: [front] }] }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: { matchLabels: { tier: data } } }]
      ports: [{ port: 5000, endPort: 5001 }]
    - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]
      ports: [{ port: 443 }]
`);
  expect(network.allows(pod('web'), pod('db'), { port: 5001 })).toBe(true);
  expect(network.allows(pod('web'), pod('db'), { port: 5002 })).toBe(false);
  // ipBlock is read as addresses outside the cluster: no pod, of any namespace, is matched by it.
  expect(network.allows(pod('web'), pod('batch'), { port: 443 })).toBe(false);
  expect(network.allows(pod('web'), outside, { port: 443 })).toBe(false);
  expect(
    network.policiesFor(
      network.pods.find((entry) => entry.name === 'web')!,
      'Egress',
    ),
  ).toHaveLength(1);
  expect(
    network.policiesFor(
      network.pods.find((entry) => entry.name === 'web')!,
      'Ingress',
    ),
  ).toHaveLength(0);
});
