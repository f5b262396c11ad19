import type { KubeObject } from './types';

/**
 * The defaults the API server fills in that kubectl and rollout checks read (a subset: the fields
 * k8s-deploy and `kubectl rollout` depend on, plus the common ones that show up in a diff).
 */
export function applyDefaults(kind: string, object: KubeObject, allocateIp: () => string): KubeObject {
  const spec = object.spec;
  switch (kind) {
    case 'Deployment':
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= { type: 'RollingUpdate' };
      if (spec.strategy.type === 'RollingUpdate')
        spec.strategy.rollingUpdate = {
          maxUnavailable: '25%',
          maxSurge: '25%',
          ...spec.strategy.rollingUpdate,
        };
      podTemplate(spec.template);
      break;
    case 'StatefulSet':
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.updateStrategy ??= { type: 'RollingUpdate' };
      if (spec.updateStrategy.type === 'RollingUpdate')
        spec.updateStrategy.rollingUpdate = { partition: 0, ...spec.updateStrategy.rollingUpdate };
      podTemplate(spec.template);
      break;
    case 'DaemonSet':
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      podTemplate(spec.template);
      break;
    case 'ReplicaSet':
      spec.replicas ??= 1;
      podTemplate(spec.template);
      break;
    case 'Job':
      spec.backoffLimit ??= 6;
      spec.completions ??= 1;
      spec.parallelism ??= 1;
      podTemplate(spec.template, 'Never');
      break;
    case 'Pod':
      podSpec(object.spec);
      break;
    case 'Service':
      service(spec, allocateIp);
      break;
    case 'Secret':
      secret(object);
      break;
    case 'Namespace':
      object.metadata.labels = {
        ...object.metadata.labels,
        'kubernetes.io/metadata.name': object.metadata.name,
      };
      object.spec = { finalizers: ['kubernetes'], ...object.spec };
      object.status = { phase: 'Active', ...object.status };
      break;
  }
  return object;
}

function podTemplate(template: KubeObject | undefined, restartPolicy = 'Always'): void {
  if (!template) return;
  template.metadata ??= {};
  if (template.spec) podSpec(template.spec, restartPolicy);
}

function podSpec(spec: KubeObject | undefined, restartPolicy = 'Always'): void {
  if (!spec) return;
  spec.restartPolicy ??= restartPolicy;
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])] as KubeObject[]) {
    const image = String(container.image ?? '');
    const untagged = !/@sha256:/.test(image) && !/:[^/]+$/.test(image);
    container.imagePullPolicy ??= untagged || image.endsWith(':latest') ? 'Always' : 'IfNotPresent';
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
    for (const port of (container.ports ?? []) as KubeObject[]) port.protocol ??= 'TCP';
  }
}

function service(spec: KubeObject | undefined, allocateIp: () => string): void {
  if (!spec) return;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.clusterIP !== 'None') spec.clusterIP ??= allocateIp();
  spec.clusterIPs ??= [spec.clusterIP];
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
  for (const port of (spec.ports ?? []) as KubeObject[]) {
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
}

function secret(object: KubeObject): void {
  object.type ??= 'Opaque';
  if (object.stringData) {
    object.data = { ...object.data };
    for (const [key, value] of Object.entries(object.stringData as Record<string, string>))
      object.data[key] = Buffer.from(String(value)).toString('base64');
    delete object.stringData;
  }
}
