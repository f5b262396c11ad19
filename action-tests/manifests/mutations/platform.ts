import { objectOf, podSpecOf, remove } from '../production-manifests';
import { GATEWAY, ARCHIVE, POSTGRES, PROMETHEUS, GRAFANA, type Mutation } from './common';

/** Mutations that break an exposure, network, RBAC or monitoring rule. */
export const platformMutations: Mutation[] = [
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
