import { ApiError } from './errors';
import type { KubeObject } from './types';

/**
 * Strict field validation for the parts of objects where typos are common: the top level, metadata,
 * workload specs, pod templates and containers. Other nested objects are not checked (no schemas).
 * kubectl asks for it with `fieldValidation=Strict` (its default); the API server then refuses an
 * unknown field with a 400 "strict decoding error", and otherwise warns.
 */
const words = (text: string) => new Set(text.split(/\s+/).filter(Boolean));

const OBJECT_META =
  words(`name generateName namespace selfLink uid resourceVersion generation creationTimestamp
  deletionTimestamp deletionGracePeriodSeconds labels annotations ownerReferences finalizers managedFields`);
const TOP = words(`apiVersion kind metadata spec status`);
const TOP_EXTRA: Record<string, Set<string>> = {
  ConfigMap: words('data binaryData immutable'),
  Secret: words('data stringData type immutable'),
  ServiceAccount: words('secrets imagePullSecrets automountServiceAccountToken'),
  Role: words('rules'),
  ClusterRole: words('rules aggregationRule'),
  RoleBinding: words('subjects roleRef'),
  ClusterRoleBinding: words('subjects roleRef'),
  StorageClass: words(
    'provisioner parameters reclaimPolicy mountOptions allowVolumeExpansion volumeBindingMode allowedTopologies',
  ),
  IngressClass: words(''),
  Event:
    words(`involvedObject reason message source firstTimestamp lastTimestamp count type eventTime series action
    related reportingComponent reportingInstance`),
  ControllerRevision: words('data revision'),
  Endpoints: words('subsets'),
};
const WORKLOAD_SPEC: Record<string, Set<string>> = {
  Deployment: words(
    'replicas selector template strategy minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds',
  ),
  StatefulSet:
    words(`replicas selector template volumeClaimTemplates serviceName podManagementPolicy updateStrategy
    revisionHistoryLimit minReadySeconds persistentVolumeClaimRetentionPolicy ordinals`),
  DaemonSet: words('selector template updateStrategy minReadySeconds revisionHistoryLimit'),
  ReplicaSet: words('replicas minReadySeconds selector template'),
  Job: words(`parallelism completions activeDeadlineSeconds podFailurePolicy successPolicy backoffLimit
    backoffLimitPerIndex maxFailedIndexes selector manualSelector template ttlSecondsAfterFinished completionMode
    suspend podReplacementPolicy managedBy`),
};
const POD_SPEC =
  words(`volumes initContainers containers ephemeralContainers restartPolicy terminationGracePeriodSeconds
  activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount automountServiceAccountToken nodeName
  hostNetwork hostPID hostIPC shareProcessNamespace securityContext imagePullSecrets hostname subdomain affinity
  schedulerName tolerations hostAliases priorityClassName priority dnsConfig readinessGates runtimeClassName
  enableServiceLinks preemptionPolicy overhead topologySpreadConstraints setHostnameAsFQDN os hostUsers
  schedulingGates resourceClaims resources`);
const CONTAINER =
  words(`name image command args workingDir ports envFrom env resources resizePolicy restartPolicy
  volumeMounts volumeDevices livenessProbe readinessProbe startupProbe lifecycle terminationMessagePath
  terminationMessagePolicy imagePullPolicy securityContext stdin stdinOnce tty`);

function unknown(object: unknown, known: Set<string>, path: string, out: Found): void {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return;
  // `$`-keys are strategic merge directives.
  for (const key of Object.keys(object))
    if (!known.has(key) && !key.startsWith('$')) {
      out.paths.push(`${path}${path ? '.' : ''}${key}`);
      if (out.prune) delete (object as KubeObject)[key];
    }
}

function podTemplate(template: KubeObject | undefined, path: string, out: Found): void {
  if (!template) return;
  unknown(template, words('metadata spec'), path, out);
  unknown(template.metadata, OBJECT_META, `${path}.metadata`, out);
  podSpec(template.spec, `${path}.spec`, out);
}

function podSpec(spec: KubeObject | undefined, path: string, out: Found): void {
  if (!spec) return;
  unknown(spec, POD_SPEC, path, out);
  for (const list of ['initContainers', 'containers'])
    ((spec[list] ?? []) as KubeObject[]).forEach((container, i) =>
      unknown(container, CONTAINER, `${path}.${list}[${i}]`, out),
    );
}

/** Unknown fields found, as dotted paths; with `prune` they are also removed from the object. */
interface Found {
  paths: string[];
  prune: boolean;
}

function unknownFields(object: KubeObject, kind: string, prune: boolean): string[] {
  const out: Found = { paths: [], prune };
  unknown(object, new Set([...TOP, ...(TOP_EXTRA[kind] ?? [])]), '', out);
  unknown(object.metadata, OBJECT_META, 'metadata', out);
  if (WORKLOAD_SPEC[kind]) {
    unknown(object.spec, WORKLOAD_SPEC[kind], 'spec', out);
    podTemplate(object.spec?.template, 'spec.template', out);
  }
  if (kind === 'Pod') podSpec(object.spec, 'spec', out);
  return out.paths;
}

/**
 * Applies `fieldValidation` to a request body: Strict refuses unknown fields; otherwise they are
 * dropped, as the API server drops them, and reported as warnings (none for Ignore).
 */
export function checkFields(kind: string, object: unknown, mode: string | null): string[] {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return [];
  const body = object as KubeObject;
  const fields = unknownFields(body, kind, mode !== 'Strict');
  if (mode === 'Ignore') return [];
  if (fields.length === 0) return [];
  const messages = fields.map((field) => `unknown field "${field}"`);
  if (mode === 'Strict')
    throw new ApiError(
      400,
      'BadRequest',
      `${kind} in version "${String(body.apiVersion ?? '')
        .split('/')
        .pop()}" cannot be handled as a ${kind}: strict decoding error: ${messages.join(', ')}`,
    );
  return messages;
}
