import { objectOf, podSpecOf, remove } from '../production-manifests';
import {
  GATEWAY,
  SEGMENTATION,
  ORCHESTRATOR,
  ARCHIVE,
  POSTGRES,
  PROMETHEUS,
  GRAFANA,
  CONTAINER,
  type Mutation,
} from './common';

/** Mutations that break a workload, configuration or database rule. */
export const workloadMutations: Mutation[] = [
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
    rule: 'config-and-secrets',
    what: 'a password in a ConfigMap',
    mutate: (d) => (objectOf(d, 'ConfigMap', 'archive-service-config').data.DB_PASSWORD = 'canary'),
    expected:
      'archive-service.yaml: ConfigMap atlas-production/archive-service-config (document 1): data.DB_PASSWORD: DB_PASSWORD looks like a secret; ConfigMaps are not for secrets [config-and-secrets]',
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
];
