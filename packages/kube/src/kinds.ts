/**
 * The kinds a release may contain, by API group/version, and whether they live in a namespace.
 * A kind outside this table (and not defined by a CustomResourceDefinition in the same manifests)
 * is rejected offline: a typo such as `Deploymnet` should fail before anything reaches the cluster.
 */
interface KindInfo {
  apiVersions: string[];
  namespaced: boolean;
}

const core = (namespaced: boolean): KindInfo => ({ apiVersions: ['v1'], namespaced });
const group = (apiVersions: string[], namespaced = true): KindInfo => ({ apiVersions, namespaced });

export const KNOWN_KINDS: Record<string, KindInfo> = {
  Namespace: core(false),
  ServiceAccount: core(true),
  ConfigMap: core(true),
  Secret: core(true),
  Service: core(true),
  Endpoints: core(true),
  PersistentVolume: core(false),
  PersistentVolumeClaim: core(true),
  Pod: core(true),
  ReplicationController: core(true),
  LimitRange: core(true),
  ResourceQuota: core(true),
  Deployment: group(['apps/v1']),
  StatefulSet: group(['apps/v1']),
  DaemonSet: group(['apps/v1']),
  ReplicaSet: group(['apps/v1']),
  Job: group(['batch/v1']),
  CronJob: group(['batch/v1']),
  Role: group(['rbac.authorization.k8s.io/v1']),
  RoleBinding: group(['rbac.authorization.k8s.io/v1']),
  ClusterRole: group(['rbac.authorization.k8s.io/v1'], false),
  ClusterRoleBinding: group(['rbac.authorization.k8s.io/v1'], false),
  NetworkPolicy: group(['networking.k8s.io/v1']),
  Ingress: group(['networking.k8s.io/v1']),
  IngressClass: group(['networking.k8s.io/v1'], false),
  HorizontalPodAutoscaler: group(['autoscaling/v2', 'autoscaling/v1']),
  PodDisruptionBudget: group(['policy/v1']),
  StorageClass: group(['storage.k8s.io/v1'], false),
  PriorityClass: group(['scheduling.k8s.io/v1'], false),
  CustomResourceDefinition: group(['apiextensions.k8s.io/v1'], false),
  // Widely installed operators the ALT_LAS manifests rely on.
  Issuer: group(['cert-manager.io/v1']),
  ClusterIssuer: group(['cert-manager.io/v1'], false),
  Certificate: group(['cert-manager.io/v1']),
  ServiceMonitor: group(['monitoring.coreos.com/v1']),
  PodMonitor: group(['monitoring.coreos.com/v1']),
  PrometheusRule: group(['monitoring.coreos.com/v1']),
};

/** Kinds a CustomResourceDefinition in the same manifests adds. */
export function kindsFromDefinitions(
  definitions: {
    spec?: { group?: string; names?: { kind?: string }; scope?: string; versions?: { name: string }[] };
  }[],
): Record<string, KindInfo> {
  const kinds: Record<string, KindInfo> = {};
  for (const { spec } of definitions) {
    const kind = spec?.names?.kind;
    if (!kind || !spec.group) continue;
    kinds[kind] = {
      apiVersions: (spec.versions ?? []).map((version) => `${spec.group}/${version.name}`),
      namespaced: spec.scope !== 'Cluster',
    };
  }
  return kinds;
}

/** Apply order: what others depend on first, what routes traffic to workloads last. */
const ORDER: string[][] = [
  ['CustomResourceDefinition', 'Namespace', 'PriorityClass', 'StorageClass', 'IngressClass'],
  ['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  ['ConfigMap', 'Secret', 'LimitRange', 'ResourceQuota'],
  ['PersistentVolume', 'PersistentVolumeClaim'],
  ['Service', 'Endpoints'],
  ['StatefulSet', 'Deployment', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Pod', 'Job', 'CronJob'],
  ['HorizontalPodAutoscaler', 'PodDisruptionBudget'],
  ['NetworkPolicy'],
  ['Ingress'],
];

/** Group first, then the position within the group (StatefulSets, usually databases, before Deployments). */
export function orderRank(kind: string): number {
  const index = ORDER.findIndex((kinds) => kinds.includes(kind));
  return index < 0 ? ORDER.length * 100 : index * 100 + ORDER[index]!.indexOf(kind);
}
