import { ApiError, badRequest, invalid } from './errors';
import { groupVersion, RESOURCE_TYPES, type ResourceType } from './resources';
import type { ObjectStore } from './store';
import type { KubeObject } from './types';

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const NAMESPACE_TYPE = RESOURCE_TYPES.find((t) => t.kind === 'Namespace')!;

/**
 * Checks a written object against the URL it was sent to (kind, apiVersion, name, namespace, which
 * must exist) and fills in what the URL implies, the way the API server does before anything else.
 */
export function checkTarget(
  store: ObjectStore,
  type: ResourceType,
  namespace: string | undefined,
  object: KubeObject,
  name?: string,
): void {
  if (object === null || typeof object !== 'object' || Array.isArray(object))
    throw badRequest('the request body must be a single object');
  if (object.kind !== undefined && object.kind !== type.kind)
    throw badRequest(
      `the kind "${object.kind}" does not match the resource ${type.plural} (kind ${type.kind})`,
    );
  if (object.apiVersion !== undefined && object.apiVersion !== groupVersion(type))
    throw badRequest(`the apiVersion "${object.apiVersion}" does not match ${groupVersion(type)}`);
  object.apiVersion = groupVersion(type);
  object.kind = type.kind;
  object.metadata ??= {};
  if (!object.metadata.name && object.metadata.generateName)
    object.metadata.name = `${object.metadata.generateName}${Math.random().toString(36).slice(2, 7)}`;
  if (name !== undefined) {
    object.metadata.name ??= name;
    if (object.metadata.name !== name)
      throw badRequest(
        `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
      );
  }
  const objectName = object.metadata.name;
  if (!objectName)
    throw invalid(type.kind, type.group, '', [{ field: 'metadata.name', message: 'Required value' }]);
  if (!NAME.test(objectName) || objectName.length > 253)
    throw invalid(type.kind, type.group, objectName, [
      {
        field: 'metadata.name',
        message: `Invalid value: "${objectName}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      },
    ]);
  if (type.namespaced) {
    if (object.metadata.namespace && object.metadata.namespace !== namespace)
      throw badRequest(
        `the namespace of the provided object does not match the namespace sent on the request`,
      );
    object.metadata.namespace = namespace;
    if (!store.get(NAMESPACE_TYPE, undefined, namespace!))
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
  } else delete object.metadata.namespace;
}

/** The few semantic checks the stand-in makes (it has no schemas). */
export function validate(type: ResourceType, object: KubeObject): void {
  const name = object.metadata.name as string;
  const causes: { field: string; message: string }[] = [];
  const template = object.spec?.template;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(type.kind)) {
    if (!object.spec?.selector) causes.push({ field: 'spec.selector', message: 'Required value' });
    const labels = (template?.metadata?.labels ?? {}) as Record<string, string>;
    for (const [key, value] of Object.entries(
      (object.spec?.selector?.matchLabels ?? {}) as Record<string, string>,
    ))
      if (labels[key] !== value)
        causes.push({
          field: 'spec.template.metadata.labels',
          message: '`selector` does not match template `labels`',
        });
  }
  const podSpec = type.kind === 'Pod' ? object.spec : template?.spec;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod'].includes(type.kind)) {
    const containers = (podSpec?.containers ?? []) as KubeObject[];
    if (containers.length === 0)
      causes.push({ field: 'spec.template.spec.containers', message: 'Required value' });
    containers.forEach((c, i) => {
      if (!c.name)
        causes.push({ field: `spec.template.spec.containers[${i}].name`, message: 'Required value' });
      if (!c.image)
        causes.push({ field: `spec.template.spec.containers[${i}].image`, message: 'Required value' });
    });
  }
  if (causes.length > 0) throw invalid(type.kind, type.group, name, causes);
}
