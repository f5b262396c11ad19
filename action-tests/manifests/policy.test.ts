import { POLICY_RULES, checkPolicy, formatFinding, type ManifestDocument } from '@alt-las/manifest-policy';
import {
  objectOf,
  podSpecOf,
  productionDocuments,
  productionExpectations,
  remove,
} from './production-manifests';

interface Mutation {
  rule: string;
  what: string;
  mutate: (documents: ManifestDocument[]) => void;
  /** The finding, exactly as reported: file: document: field: message [rule]. */
  expected: string;
}

const GATEWAY = 'api-gateway.yaml: Deployment atlas-production/api-gateway (document 2)';
const SEGMENTATION =
  'segmentation-service.yaml: Deployment atlas-production/segmentation-service (document 2)';
const ORCHESTRATOR = 'ai-orchestrator.yaml: Deployment atlas-production/ai-orchestrator (document 2)';
const ARCHIVE = 'archive-service.yaml: Deployment atlas-production/archive-service (document 2)';
const POSTGRES = 'postgres.yaml: StatefulSet atlas-production/postgres (document 3)';
const PROMETHEUS = 'monitoring.yaml: Deployment atlas-production/prometheus (document 8)';
const GRAFANA = 'monitoring.yaml: Deployment atlas-production/grafana (document 14)';
const CONTAINER = 'spec.template.spec.containers[0]';

const mutations: Mutation[] = [
  {
    rule: 'namespace',
    what: 'Pod Security no longer enforced',
    mutate: (d) =>
      delete objectOf(d, 'Namespace', 'atlas-production').metadata.labels[
        'pod-security.kubernetes.io/enforce'
      ],
    expected:
      'namespace.yaml: Namespace atlas-production (document 1): metadata.labels["pod-security.kubernetes.io/enforce"]: must be "restricted" [namespace]',
  },
  {
    rule: 'namespace',
    what: 'an object without a namespace',
    mutate: (d) => delete objectOf(d, 'ConfigMap', 'loki-config').metadata.namespace,
    expected:
      'monitoring.yaml: ConfigMap loki-config (document 17): metadata.namespace: must be set explicitly [namespace]',
  },
  {
    rule: 'replicas',
    what: 'gateway scaled down',
    mutate: (d) => (objectOf(d, 'Deployment', 'api-gateway').spec.replicas = 2),
    expected: `${GATEWAY}: spec.replicas: expected 3 replicas, found 2 [replicas]`,
  },
  {
    rule: 'replicas',
    what: 'PostgreSQL as a Deployment',
    mutate: (d) => (objectOf(d, 'StatefulSet', 'postgres').kind = 'Deployment'),
    expected:
      'postgres.yaml: StatefulSet atlas-production/postgres: -: no StatefulSet named postgres in atlas-production [replicas]',
  },
  {
    rule: 'images',
    what: 'a third-party image on :latest',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'grafana').containers[0].image = 'docker.io/grafana/grafana:latest'),
    expected: `${GRAFANA}: ${CONTAINER}.image: docker.io/grafana/grafana:latest uses :latest; name a fixed version [images]`,
  },
  {
    rule: 'images',
    what: 'a service image outside the released repository',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'archive-service').containers[0].image = 'docker.io/someone/archive'),
    expected: `${ARCHIVE}: ${CONTAINER}.image: expected ghcr.io/alt-las-org/alt-las-archive-service:1.4.2, found docker.io/someone/archive [images]`,
  },
  {
    rule: 'probes',
    what: 'readiness on the wrong path',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'segmentation-service').containers[0].readinessProbe.httpGet.path =
        '/healthz'),
    expected: `${SEGMENTATION}: ${CONTAINER}.readinessProbe: path is /healthz, expected /health [probes]`,
  },
  {
    rule: 'probes',
    what: 'liveness on another port',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'ai-orchestrator').containers[0].livenessProbe.httpGet.port = 8000),
    expected: `${ORCHESTRATOR}: ${CONTAINER}.livenessProbe: port 8000 is not the service port 8001 [probes]`,
  },
  {
    rule: 'probes',
    what: 'no startup probe',
    mutate: (d) => delete podSpecOf(d, 'Deployment', 'api-gateway').containers[0].startupProbe,
    expected: `${GATEWAY}: ${CONTAINER}.startupProbe: is missing [probes]`,
  },
  {
    rule: 'probes',
    what: 'database readiness without pg_isready',
    mutate: (d) =>
      (podSpecOf(d, 'StatefulSet', 'postgres').containers[0].readinessProbe = { tcpSocket: { port: 5432 } }),
    expected: `${POSTGRES}: ${CONTAINER}.readinessProbe: must run pg_isready against port 5432 [probes]`,
  },
  {
    rule: 'resources',
    what: 'no memory limit',
    mutate: (d) =>
      delete podSpecOf(d, 'Deployment', 'segmentation-service').containers[0].resources.limits.memory,
    expected: `${SEGMENTATION}: ${CONTAINER}.resources.limits.memory: container segmentation-service has no memory limit [resources]`,
  },
  {
    rule: 'resources',
    what: 'a sidecar without CPU request',
    mutate: (d) => delete podSpecOf(d, 'StatefulSet', 'postgres').containers[1].resources.requests.cpu,
    expected: `${POSTGRES}: spec.template.spec.containers[1].resources.requests.cpu: container postgres-exporter has no cpu request [resources]`,
  },
  {
    rule: 'security-context',
    what: 'privilege escalation allowed',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'archive-service').containers[0].securityContext.allowPrivilegeEscalation =
        true),
    expected: `${ARCHIVE}: ${CONTAINER}.securityContext.allowPrivilegeEscalation: container archive-service must set it to false [security-context]`,
  },
  {
    rule: 'security-context',
    what: 'running as root',
    mutate: (d) => {
      const spec = podSpecOf(d, 'Deployment', 'loki');
      spec.securityContext.runAsNonRoot = false;
      delete spec.containers[0].securityContext.runAsNonRoot;
    },
    expected:
      'monitoring.yaml: Deployment atlas-production/loki (document 19): spec.template.spec.containers[0].securityContext.runAsNonRoot: container loki must run as non-root [security-context]',
  },
  {
    rule: 'security-context',
    what: 'capabilities kept',
    mutate: (d) =>
      (podSpecOf(d, 'DaemonSet', 'promtail', 'atlas-logging').containers[0].securityContext.capabilities = {
        add: ['DAC_READ_SEARCH'],
      }),
    expected:
      'monitoring.yaml: DaemonSet atlas-logging/promtail (document 25): spec.template.spec.containers[0].securityContext.capabilities.drop: container promtail must drop ALL capabilities [security-context]',
  },
  {
    rule: 'security-context',
    what: 'writable root filesystem',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'prometheus').containers[0].securityContext.readOnlyRootFilesystem = false),
    expected: `${PROMETHEUS}: ${CONTAINER}.securityContext.readOnlyRootFilesystem: container prometheus must set it to true [security-context]`,
  },
  {
    rule: 'security-context',
    what: 'no seccomp profile at either level',
    mutate: (d) => {
      const spec = podSpecOf(d, 'Deployment', 'grafana');
      delete spec.securityContext.seccompProfile;
      delete spec.containers[0].securityContext.seccompProfile;
    },
    expected: `${GRAFANA}: ${CONTAINER}.securityContext.seccompProfile.type: container grafana must use RuntimeDefault (found none) [security-context]`,
  },
  {
    rule: 'security-context',
    what: 'a host path in the restricted namespace',
    mutate: (d) =>
      podSpecOf(d, 'Deployment', 'api-gateway').volumes.push({
        name: 'host',
        hostPath: { path: '/var/run' },
      }),
    expected: `${GATEWAY}: spec.template.spec.volumes[1].hostPath: volume host: hostPath volumes are refused by Pod Security restricted [security-context]`,
  },
  {
    rule: 'security-context',
    what: 'a host port',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'segmentation-service').containers[0].ports[0].hostPort = 8000),
    expected: `${SEGMENTATION}: ${CONTAINER}.ports[0].hostPort: container segmentation-service must not bind a host port [security-context]`,
  },
  {
    rule: 'writable-tmp',
    what: 'no /tmp for a read-only container',
    mutate: (d) => (podSpecOf(d, 'Deployment', 'ai-orchestrator').containers[0].volumeMounts = []),
    expected: `${ORCHESTRATOR}: ${CONTAINER}.volumeMounts: container ai-orchestrator needs an emptyDir volume mounted at /tmp [writable-tmp]`,
  },
  {
    rule: 'disruption-budget',
    what: 'no budget',
    mutate: (d) => remove(d, 'PodDisruptionBudget', 'archive-service'),
    expected:
      'archive-service.yaml: PodDisruptionBudget for archive-service: -: expected exactly one PodDisruptionBudget selecting archive-service, found 0 [disruption-budget]',
  },
  {
    rule: 'disruption-budget',
    what: 'a budget that blocks every drain',
    mutate: (d) => (objectOf(d, 'PodDisruptionBudget', 'api-gateway').spec.minAvailable = 3),
    expected:
      'api-gateway.yaml: PodDisruptionBudget atlas-production/api-gateway (document 4): spec.minAvailable: keeps 3 of 3 pods; it must keep at least 1 and allow at least 1 to be evicted [disruption-budget]',
  },
  {
    rule: 'spread',
    what: 'replicas free to share a node',
    mutate: (d) => delete podSpecOf(d, 'Deployment', 'api-gateway').topologySpreadConstraints,
    expected: `${GATEWAY}: spec.template.spec.topologySpreadConstraints: api-gateway needs a kubernetes.io/hostname spread constraint (or pod anti-affinity) selecting its own pods [spread]`,
  },
  {
    rule: 'scrape-annotations',
    what: 'scraping the wrong port',
    mutate: (d) =>
      (objectOf(d, 'Deployment', 'segmentation-service').spec.template.metadata.annotations[
        'prometheus.io/port'
      ] = '9999'),
    expected: `${SEGMENTATION}: spec.template.metadata.annotations["prometheus.io/port"]: must be "8000", found "9999" [scrape-annotations]`,
  },
  {
    rule: 'scrape-annotations',
    what: 'scraping switched off',
    mutate: (d) =>
      delete objectOf(d, 'Deployment', 'archive-service').spec.template.metadata.annotations[
        'prometheus.io/scrape'
      ],
    expected: `${ARCHIVE}: spec.template.metadata.annotations["prometheus.io/scrape"]: must be "true" [scrape-annotations]`,
  },
  {
    rule: 'config-and-secrets',
    what: 'a secret written as a literal value',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'api-gateway').containers[0].env = [
        { name: 'JWT_SECRET', value: 'canary-not-a-secret' },
      ]),
    expected: `${GATEWAY}: ${CONTAINER}.env[0]: JWT_SECRET looks like a secret; take it from a Secret with secretKeyRef [config-and-secrets]`,
  },
  {
    rule: 'config-and-secrets',
    what: 'the gateway without its JWT secret',
    mutate: (d) => (podSpecOf(d, 'Deployment', 'api-gateway').containers[0].env = []),
    expected: `${GATEWAY}: spec.template.spec.containers: api-gateway must read JWT_SECRET from Secret api-gateway-secrets, key jwt-secret [config-and-secrets]`,
  },
  {
    rule: 'config-and-secrets',
    what: 'an undocumented secret key',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'archive-service').containers[0].env[1].valueFrom.secretKeyRef.key =
        'pass'),
    expected: `${ARCHIVE}: ${CONTAINER}.env[1].valueFrom.secretKeyRef.key: DB_PASSWORD: Secret postgres-credentials has no key pass (keys: username, password) [config-and-secrets]`,
  },
  {
    rule: 'config-and-secrets',
    what: 'a whole Secret imported',
    mutate: (d) =>
      podSpecOf(d, 'Deployment', 'ai-orchestrator').containers[0].envFrom.push({
        secretRef: { name: 'api-gateway-secrets' },
      }),
    expected: `${ORCHESTRATOR}: ${CONTAINER}.envFrom[1].secretRef: container ai-orchestrator: import secrets one key at a time with secretKeyRef [config-and-secrets]`,
  },
  {
    rule: 'config-and-secrets',
    what: 'configuration from a ConfigMap that does not exist',
    mutate: (d) =>
      (podSpecOf(d, 'Deployment', 'segmentation-service').containers[0].envFrom[0].configMapRef.name =
        'segmentation-settings'),
    expected: `${SEGMENTATION}: ${CONTAINER}.envFrom[0].configMapRef.name: ConfigMap segmentation-settings is not in the manifests [config-and-secrets]`,
  },
  {
    rule: 'no-secret-data',
    what: 'a committed Secret value',
    mutate: (d) =>
      d.push({
        file: 'security.yaml',
        index: 25,
        object: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'grafana-admin', namespace: 'atlas-production' },
          stringData: { 'admin-password': 'canary' },
        },
      }),
    expected:
      'security.yaml: Secret atlas-production/grafana-admin (document 25): stringData: a Secret in the repository must not carry values [no-secret-data]',
  },
  {
    rule: 'postgres',
    what: 'PGDATA at the mount point',
    mutate: (d) => (objectOf(d, 'ConfigMap', 'postgres-config').data.PGDATA = '/var/lib/postgresql/data'),
    expected: `${POSTGRES}: ${CONTAINER}.env: PGDATA (/var/lib/postgresql/data) must be a subdirectory of /var/lib/postgresql/data [postgres]`,
  },
  {
    rule: 'postgres',
    what: 'a Service with a cluster IP',
    mutate: (d) => delete objectOf(d, 'Service', 'postgres').spec.clusterIP,
    expected:
      'postgres.yaml: Service atlas-production/postgres (document 2): spec.clusterIP: the StatefulSet\'s governing Service must be headless ("None") [postgres]',
  },
  {
    rule: 'postgres',
    what: 'no volume claim template',
    mutate: (d) => delete objectOf(d, 'StatefulSet', 'postgres').spec.volumeClaimTemplates,
    expected: `${POSTGRES}: spec.volumeClaimTemplates: the database needs a volume claim template [postgres]`,
  },
  {
    rule: 'ingress-tls',
    what: 'the gateway host without TLS',
    mutate: (d) => delete objectOf(d, 'Ingress', 'api-gateway').spec.tls,
    expected:
      'api-gateway.yaml: Ingress atlas-production/api-gateway (document 5): spec.rules[0].host: api.alt-las.example is not covered by spec.tls [ingress-tls]',
  },
  {
    rule: 'ingress-tls',
    what: 'a certificate for another host',
    mutate: (d) => (objectOf(d, 'Certificate', 'grafana-tls').spec.dnsNames = ['grafana.other.example']),
    expected:
      'monitoring.yaml: Ingress atlas-production/grafana (document 16): spec.tls[0].secretName: no cert-manager Certificate writes grafana-tls for grafana.alt-las.example [ingress-tls]',
  },
  {
    rule: 'ingress-tls',
    what: 'a certificate from an issuer that does not exist',
    mutate: (d) =>
      (objectOf(d, 'Certificate', 'api-gateway-tls').spec.issuerRef.name = 'letsencrypt-staging'),
    expected:
      'security.yaml: Certificate atlas-production/api-gateway-tls (document 23): spec.issuerRef: issuer letsencrypt-staging is not in the manifests [ingress-tls]',
  },
  {
    rule: 'network-default-deny',
    what: 'no default deny',
    mutate: (d) => remove(d, 'NetworkPolicy', 'default-deny-all'),
    expected:
      'security.yaml: NetworkPolicy in atlas-production: -: no default-deny policy (podSelector {}, policyTypes Ingress and Egress, no rules) in atlas-production [network-default-deny]',
  },
  {
    rule: 'network-coverage',
    what: 'a pod no egress policy selects',
    mutate: (d) => {
      objectOf(d, 'NetworkPolicy', 'default-deny-all', 'atlas-logging').spec.policyTypes = ['Ingress'];
      remove(d, 'NetworkPolicy', 'allow-dns-egress', 'atlas-logging');
      remove(d, 'NetworkPolicy', 'promtail', 'atlas-logging');
    },
    expected:
      'monitoring.yaml: DaemonSet atlas-logging/promtail (document 25): spec.template.metadata.labels: no Egress NetworkPolicy selects the pods of promtail [network-coverage]',
  },
  {
    rule: 'dns-egress',
    what: 'no DNS egress',
    mutate: (d) => remove(d, 'NetworkPolicy', 'allow-dns-egress'),
    expected: `${GATEWAY}: spec.template.metadata.labels: pods of api-gateway cannot reach the cluster DNS on 53/UDP [dns-egress]`,
  },
  {
    rule: 'dns-egress',
    what: 'DNS over UDP only',
    mutate: (d) =>
      objectOf(d, 'NetworkPolicy', 'allow-dns-egress', 'atlas-logging').spec.egress[0].ports.pop(),
    expected:
      'monitoring.yaml: DaemonSet atlas-logging/promtail (document 25): spec.template.metadata.labels: pods of promtail cannot reach the cluster DNS on 53/TCP [dns-egress]',
  },
  {
    rule: 'network-flows',
    what: 'the gateway cut off from the archive',
    mutate: (d) => objectOf(d, 'NetworkPolicy', 'api-gateway').spec.egress.pop(),
    expected: `${ARCHIVE}: spec.template.metadata.labels: atlas-production/api-gateway -> atlas-production/archive-service on 9000/TCP must be allowed by the NetworkPolicies [network-flows]`,
  },
  {
    rule: 'network-flows',
    what: 'the database opened to the ingress controller',
    mutate: (d) =>
      objectOf(d, 'NetworkPolicy', 'postgres').spec.ingress.push({
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      }),
    expected: `${POSTGRES}: spec.template.metadata.labels: ingress controller -> atlas-production/postgres on 5432/TCP must be denied by the NetworkPolicies [network-flows]`,
  },
  {
    rule: 'network-flows',
    what: 'Loki closed to Promtail',
    mutate: (d) => objectOf(d, 'NetworkPolicy', 'loki').spec.ingress.shift(),
    expected:
      'monitoring.yaml: Deployment atlas-production/loki (document 19): spec.template.metadata.labels: atlas-logging/promtail -> atlas-production/loki on 3100/TCP must be allowed by the NetworkPolicies [network-flows]',
  },
  {
    rule: 'port-agreement',
    what: 'a Service target port no container has',
    mutate: (d) => (objectOf(d, 'Service', 'ai-orchestrator').spec.ports[0].targetPort = 8080),
    expected:
      'ai-orchestrator.yaml: Service atlas-production/ai-orchestrator (document 3): spec.ports[0].targetPort: 8080 is not a container port of ai-orchestrator [port-agreement]',
  },
  {
    rule: 'port-agreement',
    what: 'a NetworkPolicy port the pod does not listen on',
    mutate: (d) =>
      (objectOf(d, 'NetworkPolicy', 'segmentation-service').spec.ingress[0].ports[0].port = 8080),
    expected:
      'security.yaml: NetworkPolicy atlas-production/segmentation-service (document 4): spec.ingress[0].ports[0].port: 8080 is not a container port of segmentation-service [port-agreement]',
  },
  {
    rule: 'port-agreement',
    what: 'an egress port the target does not listen on',
    mutate: (d) => (objectOf(d, 'NetworkPolicy', 'grafana').spec.egress[1].ports[0].port = 3101),
    expected:
      'security.yaml: NetworkPolicy atlas-production/grafana (document 9): spec.egress[1].ports[0].port: 3101 is not a container port of loki [port-agreement]',
  },
  {
    rule: 'port-agreement',
    what: 'a probe on a port the container does not declare',
    mutate: (d) => (podSpecOf(d, 'Deployment', 'loki').containers[0].livenessProbe.httpGet.port = 3101),
    expected:
      'monitoring.yaml: Deployment atlas-production/loki (document 19): spec.template.spec.containers[0].livenessProbe: probe port 3101 is not a port of container loki [port-agreement]',
  },
  {
    rule: 'deployer-rbac',
    what: 'the deployer may delete',
    mutate: (d) => objectOf(d, 'Role', 'deployer').rules[0].verbs.push('delete'),
    expected:
      'security.yaml: Role atlas-production/deployer (document 16): rules[0].verbs: verb delete is more than a deployment needs [deployer-rbac]',
  },
  {
    rule: 'deployer-rbac',
    what: 'a wildcard',
    mutate: (d) => (objectOf(d, 'Role', 'deployer', 'atlas-logging').rules[0].resources = ['*']),
    expected:
      'security.yaml: Role atlas-logging/deployer (document 18): rules[0].resources: wildcards are not allowed [deployer-rbac]',
  },
  {
    rule: 'deployer-rbac',
    what: 'a kind of the release the deployer cannot apply',
    mutate: (d) => objectOf(d, 'Role', 'deployer').rules.splice(7, 1),
    expected:
      'security.yaml: NetworkPolicy atlas-production/api-gateway (document 3): kind: the deployer cannot get, create, patch networkpolicies in atlas-production [deployer-rbac]',
  },
  {
    rule: 'deployer-rbac',
    what: 'a documented Secret the deployer cannot update',
    mutate: (d) => objectOf(d, 'Role', 'deployer').rules[2].resourceNames.pop(),
    expected:
      'security.yaml: Role atlas-production/deployer: -: the deployer cannot get, patch Secret grafana-admin [deployer-rbac]',
  },
  {
    rule: 'workload-rbac',
    what: 'Prometheus reading Secrets',
    mutate: (d) => objectOf(d, 'Role', 'prometheus').rules[0].resources.push('secrets'),
    expected:
      'monitoring.yaml: Role atlas-production/prometheus (document 2): rules[0].resources: secrets must not be granted to a workload [workload-rbac]',
  },
  {
    rule: 'workload-rbac',
    what: 'Promtail allowed to write',
    mutate: (d) => objectOf(d, 'Role', 'promtail').rules[0].verbs.push('patch'),
    expected:
      'monitoring.yaml: Role atlas-production/promtail (document 22): rules[0].verbs: patch goes beyond reading [workload-rbac]',
  },
  {
    rule: 'workload-rbac',
    what: 'pods readable cluster-wide',
    mutate: (d) =>
      objectOf(d, 'ClusterRole', 'alt-las-prometheus-kubelet', '').rules[0].resources.push('pods'),
    expected:
      'monitoring.yaml: ClusterRole alt-las-prometheus-kubelet (document 4): rules[0].resources: cluster-wide access is limited to nodes and nodes/metrics; grant namespaced resources with a Role [workload-rbac]',
  },
  {
    rule: 'workload-rbac',
    what: 'Prometheus without pod discovery',
    mutate: (d) => remove(d, 'RoleBinding', 'prometheus'),
    expected: `${PROMETHEUS}: spec.template.spec.serviceAccountName: prometheus has no Role to discover pods in atlas-production [workload-rbac]`,
  },
  {
    rule: 'monitoring',
    what: 'an alert rule removed',
    mutate: (d) => {
      const data = objectOf(d, 'ConfigMap', 'prometheus-config').data;
      data['alerts.yml'] = data['alerts.yml'].replace('alert: HighErrorRate', 'alert: SomethingElse');
    },
    expected: `${PROMETHEUS}: spec.template.spec.volumes: alert HighErrorRate is not defined in the mounted rule files [monitoring]`,
  },
  {
    rule: 'monitoring',
    what: 'Prometheus storage on an emptyDir',
    mutate: (d) => (podSpecOf(d, 'Deployment', 'prometheus').volumes[1] = { name: 'data', emptyDir: {} }),
    expected: `${PROMETHEUS}: spec.template.spec.volumes: the TSDB at /prometheus must be on a PersistentVolumeClaim [monitoring]`,
  },
  {
    rule: 'monitoring',
    what: 'Grafana without data sources',
    mutate: (d) => podSpecOf(d, 'Deployment', 'grafana').containers[0].volumeMounts.splice(1, 1),
    expected: `${GRAFANA}: spec.template.spec.volumes: no data source ConfigMap is mounted at /etc/grafana/provisioning/datasources [monitoring]`,
  },
  {
    rule: 'monitoring',
    what: 'no log shipper',
    mutate: (d) => remove(d, 'DaemonSet', 'promtail', 'atlas-logging'),
    expected: 'monitoring.yaml: DaemonSet promtail: -: promtail must be a DaemonSet [monitoring]',
  },
];

describe('production policy', () => {
  test('the production manifests break no rule', () => {
    expect(checkPolicy(productionDocuments(), productionExpectations()).map(formatFinding)).toEqual([]);
  });

  test('every rule is proven to bite by at least one mutation below', () => {
    const covered = new Set(mutations.map((mutation) => mutation.rule));
    expect(POLICY_RULES.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test.each(mutations.map((mutation) => [`${mutation.rule}: ${mutation.what}`, mutation] as const))(
    '%s',
    (_name, mutation) => {
      const documents = productionDocuments();
      mutation.mutate(documents);
      const findings = checkPolicy(documents, productionExpectations()).map(formatFinding);
      // Shown whole on failure: one finding per line, the expected one exactly as a user reads it.
      expect(`\n${findings.join('\n')}\n`).toContain(`\n${mutation.expected}\n`);
    },
  );
});
