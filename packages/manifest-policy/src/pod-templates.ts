import type { ManifestDocument } from './manifest-set';
import type { LabelSelector, Labels } from './selectors';

/** The parts of a pod spec the rules read; the schema test has already checked their shape. */
export interface Probe {
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
  exec?: { command?: string[] };
  grpc?: { port?: number };
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name?: string; key?: string };
    configMapKeyRef?: { name?: string; key?: string };
    fieldRef?: { fieldPath?: string };
  };
}
export interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}
export interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number; protocol?: string; hostPort?: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface Volume {
  name: string;
  emptyDir?: unknown;
  hostPath?: { path?: string };
  configMap?: { name?: string };
  secret?: { secretName?: string };
  persistentVolumeClaim?: { claimName?: string };
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  securityContext?: SecurityContext & { fsGroup?: number };
  serviceAccountName?: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  topologySpreadConstraints?: { topologyKey: string; labelSelector?: LabelSelector; maxSkew?: number }[];
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: {
        topologyKey: string;
        labelSelector?: LabelSelector;
      }[];
      preferredDuringSchedulingIgnoredDuringExecution?: {
        podAffinityTerm: { topologyKey: string; labelSelector?: LabelSelector };
      }[];
    };
  };
}

/** A workload's pod template, with the path that leads to it for messages. */
export interface PodTemplate {
  document: ManifestDocument;
  kind: string;
  name: string;
  namespace: string;
  replicas: number | undefined;
  labels: Labels;
  annotations: Record<string, string>;
  spec: PodSpec;
  /** `spec.template.spec` */
  specPath: string;
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

export function podTemplates(documents: ManifestDocument[]): PodTemplate[] {
  return documents.flatMap((document) => {
    const { kind = '', metadata = {} } = document.object;
    if (!WORKLOADS.includes(kind)) return [];
    const spec = document.object.spec as {
      replicas?: number;
      template?: { metadata?: { labels?: Labels; annotations?: Record<string, string> }; spec?: PodSpec };
    };
    return [
      {
        document,
        kind,
        name: metadata.name ?? '',
        namespace: metadata.namespace ?? '',
        replicas: kind === 'DaemonSet' ? undefined : (spec?.replicas ?? 1),
        labels: spec?.template?.metadata?.labels ?? {},
        annotations: spec?.template?.metadata?.annotations ?? {},
        spec: spec?.template?.spec ?? { containers: [] },
        specPath: 'spec.template.spec',
      },
    ];
  });
}

/** Every container with its field path (`spec.template.spec.containers[1]`). */
export function containersOf(pod: PodTemplate): { container: Container; path: string }[] {
  return [
    ...(pod.spec.initContainers ?? []).map((container, index) => ({
      container,
      path: `${pod.specPath}.initContainers[${index}]`,
    })),
    ...pod.spec.containers.map((container, index) => ({
      container,
      path: `${pod.specPath}.containers[${index}]`,
    })),
  ];
}

/** A port reference (number or name) resolved against a container's ports; undefined if it matches none. */
export function resolvePort(container: Container, port: number | string | undefined): number | undefined {
  if (port === undefined) return undefined;
  const match = (container.ports ?? []).find((entry) =>
    typeof port === 'number' ? entry.containerPort === port : entry.name === port,
  );
  return match?.containerPort;
}

export function findPod(pods: PodTemplate[], name: string, namespace?: string): PodTemplate | undefined {
  return pods.find((pod) => pod.name === name && (namespace === undefined || pod.namespace === namespace));
}
