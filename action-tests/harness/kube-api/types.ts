/** Kubernetes objects are schemaless JSON to the stand-in; one alias keeps that explicit. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary API objects
export type KubeObject = Record<string, any>;

export type Scenario =
  'success' | 'image-pull-failure' | 'crash-loop' | 'progress-deadline' | 'slow' | 'unschedulable';

export const SCENARIOS: readonly Scenario[] = [
  'success',
  'image-pull-failure',
  'crash-loop',
  'progress-deadline',
  'slow',
  'unschedulable',
];

/** What the scenario chooser sees: the workload whose new revision starts rolling out. */
export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
  /** Container images of the new pod template (init containers included). */
  images: string[];
}

export type ScenarioChooser = (workload: WorkloadRef) => Scenario;

export interface KubeApiOptions {
  scenario?: ScenarioChooser;
  /** Milliseconds per controller step; a rollout of one replica takes about two steps. Default 100. */
  stepMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  contentType?: string;
}

export interface KubeApi {
  /** http://127.0.0.1:<port> */
  url: string;
  /** A kubeconfig (YAML) for kubectl with the server at `url`. */
  kubeconfig(): string;
  /** Writes `kubeconfig()` to `<dir>/kubeconfig` (mode 0600) and returns its path. */
  writeKubeconfig(dir: string): string;
  /** Stored objects, optionally of one kind and namespace (deep copies). */
  objects(kind?: string, namespace?: string): KubeObject[];
  /** Every request received, in order (path includes the query). */
  requests: RecordedRequest[];
  setScenario(fn: ScenarioChooser): void;
  stop(): Promise<void>;
}
