import type { EndpointRef, Flow, PolicyExpectations } from './expectations';

export interface AltLasSettings {
  /** From the services file: name, image name, port and health path of each service. */
  services: { name: string; image: string; port: number; health: string }[];
  replicas: Record<string, number>;
  vars: {
    IMAGE_REGISTRY: string;
    IMAGE_OWNER: string;
    RELEASE_VERSION: string;
    API_HOST: string;
    MONITORING_HOST: string;
  };
}

const INGRESS_CONTROLLER: EndpointRef = {
  outside: 'ingress controller',
  namespace: 'ingress-nginx',
  labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
};
const OUTSIDE_POD: EndpointRef = {
  outside: 'a pod of another namespace',
  namespace: 'default',
  labels: { app: 'other' },
};

/** The ALT_LAS production expectations: replicas from the production plan, ports from the services file. */
export function altLasExpectations(settings: AltLasSettings): PolicyExpectations {
  const { vars } = settings;
  const services = settings.services.map((service) => ({
    ...service,
    replicas: settings.replicas[service.name] ?? Number.NaN,
    image: `${vars.IMAGE_REGISTRY}/${vars.IMAGE_OWNER}/${service.image}:${vars.RELEASE_VERSION}`,
  }));
  const port = (name: string) => services.find((service) => service.name === name)?.port ?? Number.NaN;
  const workload = (name: string, namespace = 'atlas-production'): EndpointRef => ({
    workload: name,
    namespace,
  });
  const backends = services.filter((service) => service.name !== 'api-gateway');

  const allowedFlows: Flow[] = [
    { from: INGRESS_CONTROLLER, to: workload('api-gateway'), port: port('api-gateway') },
    ...backends.map((service) => ({
      from: workload('api-gateway'),
      to: workload(service.name),
      port: service.port,
    })),
    { from: workload('archive-service'), to: workload('postgres'), port: 5432 },
    ...services.map((service) => ({
      from: workload('prometheus'),
      to: workload(service.name),
      port: service.port,
    })),
    { from: workload('prometheus'), to: workload('postgres'), port: 9187 },
    { from: workload('promtail', 'atlas-logging'), to: workload('loki'), port: 3100 },
    { from: workload('grafana'), to: workload('prometheus'), port: 9090 },
    { from: workload('grafana'), to: workload('loki'), port: 3100 },
    { from: INGRESS_CONTROLLER, to: workload('grafana'), port: 3000 },
  ];
  const deniedFlows: Flow[] = [
    // Only the gateway is public; only the archive reaches the database.
    ...backends.map((service) => ({
      from: INGRESS_CONTROLLER,
      to: workload(service.name),
      port: service.port,
    })),
    { from: INGRESS_CONTROLLER, to: workload('postgres'), port: 5432 },
    { from: workload('api-gateway'), to: workload('postgres'), port: 5432 },
    { from: workload('segmentation-service'), to: workload('postgres'), port: 5432 },
    { from: workload('ai-orchestrator'), to: workload('postgres'), port: 5432 },
    {
      from: workload('segmentation-service'),
      to: workload('ai-orchestrator'),
      port: port('ai-orchestrator'),
    },
    { from: OUTSIDE_POD, to: workload('api-gateway'), port: port('api-gateway') },
    { from: OUTSIDE_POD, to: workload('loki'), port: 3100 },
    { from: workload('promtail', 'atlas-logging'), to: workload('postgres'), port: 5432 },
    { from: workload('api-gateway'), to: workload('loki'), port: 3100 },
  ];

  return {
    namespace: 'atlas-production',
    services,
    database: { name: 'postgres', port: 5432, replicas: settings.replicas.postgres ?? 1 },
    secrets: {
      'postgres-credentials': ['username', 'password'],
      'api-gateway-secrets': ['jwt-secret'],
      'grafana-admin': ['admin-user', 'admin-password'],
    },
    requiredSecretReferences: [
      { workload: 'api-gateway', env: 'JWT_SECRET', secret: 'api-gateway-secrets', key: 'jwt-secret' },
      { workload: 'postgres', env: 'POSTGRES_USER', secret: 'postgres-credentials', key: 'username' },
      { workload: 'postgres', env: 'POSTGRES_PASSWORD', secret: 'postgres-credentials', key: 'password' },
      { workload: 'archive-service', env: 'DB_PASSWORD', secret: 'postgres-credentials', key: 'password' },
      {
        workload: 'grafana',
        env: 'GF_SECURITY_ADMIN_PASSWORD',
        secret: 'grafana-admin',
        key: 'admin-password',
      },
    ],
    ingresses: [
      { host: vars.API_HOST, service: 'api-gateway' },
      { host: vars.MONITORING_HOST, service: 'grafana' },
    ],
    dns: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    allowedFlows,
    deniedFlows,
    deployer: { serviceAccount: 'deployer', verbs: ['get', 'list', 'watch', 'create', 'patch'] },
    alerts: [
      'ServiceDown',
      'HighErrorRate',
      'HighLatencyP95',
      'DatabaseDown',
      'VolumeAlmostFull',
      'HighCpuUsage',
      'HighMemoryUsage',
    ],
  };
}
