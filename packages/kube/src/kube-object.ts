/** A Kubernetes object as read from a manifest or from the API (only the fields this package reads are typed). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generation?: number;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Where an object came from, so errors can point at a file and line. */
export interface SourcedObject {
  object: KubeObject;
  file: string;
  line: number;
}

/** Kinds whose rollout the action waits for and can roll back. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const isWorkload = (object: KubeObject): boolean =>
  (WORKLOAD_KINDS as readonly string[]).includes(object.kind);

/** `Deployment/atlas-production/api-gateway`: unique within a release. */
export const objectKey = (object: Pick<KubeObject, 'kind' | 'metadata'>): string =>
  `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;

/** `deployment/api-gateway`: how kubectl names one object. */
export const kubectlName = (object: Pick<KubeObject, 'kind' | 'metadata'>): string =>
  `${object.kind.toLowerCase()}/${object.metadata.name}`;

export interface Container {
  name: string;
  image: string;
  [field: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  [field: string]: unknown;
}

/** The pod template of a workload (or of a CronJob's job), when the object has one. */
export function podTemplate(
  object: KubeObject,
):
  | { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec }
  | undefined {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (object.kind === 'Pod') return { spec: spec as PodSpec };
  if (object.kind === 'CronJob') {
    const jobSpec = (spec.jobTemplate as { spec?: Record<string, unknown> } | undefined)?.spec;
    return jobSpec?.template as ReturnType<typeof podTemplate>;
  }
  return spec.template as ReturnType<typeof podTemplate>;
}

export function containersOf(object: KubeObject): Container[] {
  const spec = podTemplate(object)?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}
