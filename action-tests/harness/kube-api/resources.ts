/** The resource types the stand-in serves: enough of a cluster for the ALT_LAS manifests and kubectl. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Kinds whose spec changes bump metadata.generation and whose status is written by a controller. */
  hasStatus?: boolean;
  subresources?: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const core = (
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType => ({ group: '', version: 'v1', kind, plural, namespaced, ...extra });

const grouped =
  (group: string, version: string) =>
  (kind: string, plural: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
    group,
    version,
    kind,
    plural,
    namespaced,
    ...extra,
  });

const apps = grouped('apps', 'v1');
const batch = grouped('batch', 'v1');
const networking = grouped('networking.k8s.io', 'v1');
const policy = grouped('policy', 'v1');
const rbac = grouped('rbac.authorization.k8s.io', 'v1');
const autoscalingV2 = grouped('autoscaling', 'v2');
const autoscalingV1 = grouped('autoscaling', 'v1');
const storage = grouped('storage.k8s.io', 'v1');
const events = grouped('events.k8s.io', 'v1');
const coordination = grouped('coordination.k8s.io', 'v1');
const certManager = grouped('cert-manager.io', 'v1');
const apiextensions = grouped('apiextensions.k8s.io', 'v1');

export const RESOURCE_TYPES: ResourceType[] = [
  core('Namespace', 'namespaces', false, { shortNames: ['ns'], hasStatus: true }),
  core('Node', 'nodes', false, { shortNames: ['no'], hasStatus: true }),
  core('Pod', 'pods', true, { shortNames: ['po'], hasStatus: true, subresources: ['status', 'log'] }),
  core('Service', 'services', true, { shortNames: ['svc'], hasStatus: true, subresources: ['status'] }),
  core('Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  core('ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  core('Secret', 'secrets', true),
  core('ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  core('PersistentVolumeClaim', 'persistentvolumeclaims', true, {
    shortNames: ['pvc'],
    hasStatus: true,
    subresources: ['status'],
  }),
  core('PersistentVolume', 'persistentvolumes', false, { shortNames: ['pv'], hasStatus: true }),
  core('Event', 'events', true, { shortNames: ['ev'] }),
  core('ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], hasStatus: true }),
  core('LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  apps('Deployment', 'deployments', true, {
    shortNames: ['deploy'],
    hasStatus: true,
    subresources: ['status', 'scale'],
  }),
  apps('StatefulSet', 'statefulsets', true, {
    shortNames: ['sts'],
    hasStatus: true,
    subresources: ['status', 'scale'],
  }),
  apps('DaemonSet', 'daemonsets', true, { shortNames: ['ds'], hasStatus: true, subresources: ['status'] }),
  apps('ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    hasStatus: true,
    subresources: ['status', 'scale'],
  }),
  apps('ControllerRevision', 'controllerrevisions', true),
  batch('Job', 'jobs', true, { hasStatus: true, subresources: ['status'] }),
  batch('CronJob', 'cronjobs', true, { shortNames: ['cj'], hasStatus: true, subresources: ['status'] }),
  networking('Ingress', 'ingresses', true, {
    shortNames: ['ing'],
    hasStatus: true,
    subresources: ['status'],
  }),
  networking('IngressClass', 'ingressclasses', false),
  networking('NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  policy('PodDisruptionBudget', 'poddisruptionbudgets', true, {
    shortNames: ['pdb'],
    hasStatus: true,
    subresources: ['status'],
  }),
  rbac('Role', 'roles', true),
  rbac('RoleBinding', 'rolebindings', true),
  rbac('ClusterRole', 'clusterroles', false),
  rbac('ClusterRoleBinding', 'clusterrolebindings', false),
  autoscalingV2('HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {
    shortNames: ['hpa'],
    hasStatus: true,
    subresources: ['status'],
  }),
  autoscalingV1('HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, {
    shortNames: ['hpa'],
    hasStatus: true,
    subresources: ['status'],
  }),
  storage('StorageClass', 'storageclasses', false, { shortNames: ['sc'] }),
  storage('CSIDriver', 'csidrivers', false),
  events('Event', 'events', true, { shortNames: ['ev'] }),
  coordination('Lease', 'leases', true),
  // CRDs are stored (so kubectl's checks of them work) but do not add kinds to the API.
  apiextensions('CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    hasStatus: true,
    subresources: ['status'],
  }),
  certManager('Issuer', 'issuers', true, { hasStatus: true, subresources: ['status'] }),
  certManager('ClusterIssuer', 'clusterissuers', false, { hasStatus: true, subresources: ['status'] }),
  certManager('Certificate', 'certificates', true, {
    shortNames: ['cert', 'certs'],
    hasStatus: true,
    subresources: ['status'],
  }),
];

export const groupVersion = (type: { group: string; version: string }) =>
  type.group ? `${type.group}/${type.version}` : type.version;

export const verbsOf = (_type: ResourceType): string[] => ALL_VERBS;

export function findByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => groupVersion(t) === apiVersion && t.kind === kind);
}

/** Objects are stored once per kind; the preferred version names the storage (autoscaling/v2 over v1). */
export function storageKey(type: ResourceType): string {
  return `${type.group}/${type.kind}`;
}

/** Group versions in discovery order, each group's preferred (first listed) version first. */
export function groupVersions(): { group: string; versions: string[] }[] {
  const groups: { group: string; versions: string[] }[] = [];
  for (const type of RESOURCE_TYPES) {
    let entry = groups.find((g) => g.group === type.group);
    if (!entry) groups.push((entry = { group: type.group, versions: [] }));
    if (!entry.versions.includes(type.version)) entry.versions.push(type.version);
  }
  return groups;
}
