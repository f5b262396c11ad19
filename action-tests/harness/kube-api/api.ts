import { ApiError, badRequest, conflict, invalid, notFound } from './errors';
import { applyDefaults } from './defaults';
import { recordUpdate, sameContent, serverSideApply } from './managed-fields';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { groupVersion, RESOURCE_TYPES, storageKey, type ResourceType } from './resources';
import { clone, type ObjectStore } from './store';
import type { KubeObject } from './types';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  /** Writes to the status subresource change only status; writes to the object never change status. */
  subresource?: string;
}

export type PatchKind = 'apply' | 'strategic' | 'merge' | 'json';

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** One resource type per storage (autoscaling/v1 and v2 share theirs). */
const STORED_TYPES = RESOURCE_TYPES.filter(
  (type, index) => RESOURCE_TYPES.findIndex((other) => storageKey(other) === storageKey(type)) === index,
);
const NAMESPACE_TYPE = RESOURCE_TYPES.find((t) => t.kind === 'Namespace')!;

/** The write paths of the API server (create, replace, patch, apply, delete) over the object store. */
export class ObjectApi {
  private nextIp = 10;

  constructor(readonly store: ObjectStore) {}

  private allocateIp = () => `10.96.${Math.floor(this.nextIp / 250)}.${(this.nextIp++ % 250) + 1}`;

  private checkTarget(
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
      if (!this.store.get(NAMESPACE_TYPE, undefined, namespace!))
        throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
          name: namespace,
          kind: 'namespaces',
        });
    } else delete object.metadata.namespace;
  }

  private validate(type: ResourceType, object: KubeObject): void {
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

  /** Defaults, secrets normalisation and generation/status rules for an object about to be stored. */
  private finish(
    type: ResourceType,
    before: KubeObject | undefined,
    object: KubeObject,
    subresource?: string,
  ): KubeObject {
    if (subresource === 'status' && before) {
      const next = clone(before);
      next.status = object.status;
      return next;
    }
    if (type.hasStatus && type.kind !== 'Namespace') {
      if (before) object.status = clone(before.status);
      else object.status = {};
    }
    dropNulls(object);
    applyDefaults(type.kind, object, this.allocateIp);
    if (before) {
      object.metadata.uid = before.metadata.uid;
      object.metadata.creationTimestamp = before.metadata.creationTimestamp;
      const specChanged = JSON.stringify(before.spec) !== JSON.stringify(object.spec);
      object.metadata.generation = (before.metadata.generation ?? 1) + (specChanged ? 1 : 0);
      const selector = before.spec?.selector;
      if (
        ['Deployment', 'StatefulSet', 'DaemonSet'].includes(type.kind) &&
        JSON.stringify(selector) !== JSON.stringify(object.spec?.selector)
      )
        throw invalid(type.kind, type.group, object.metadata.name, [
          { field: 'spec.selector', message: 'field is immutable' },
        ]);
    } else object.metadata.generation = 1;
    this.validate(type, object);
    return object;
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: KubeObject,
    options: WriteOptions,
  ): KubeObject {
    const object = clone(body);
    this.checkTarget(type, namespace, object);
    delete object.metadata.managedFields;
    delete object.metadata.resourceVersion;
    const existing = this.store.get(type, namespace, object.metadata.name);
    if (existing) this.store.create(type, existing); // raises AlreadyExists
    const prepared = this.finish(type, undefined, object);
    recordUpdate(undefined, prepared, options.fieldManager, groupVersion(type));
    return options.dryRun ? withServerFields(prepared) : this.store.create(type, prepared);
  }

  replace(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    options: WriteOptions,
  ): KubeObject {
    const object = clone(body);
    this.checkTarget(type, namespace, object, name);
    const before = this.store.mustGet(type, namespace, name);
    const prepared = this.finish(type, before, object, options.subresource);
    return this.commit(type, before, prepared, options, object.metadata.resourceVersion);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    kind: PatchKind,
    body: unknown,
    options: WriteOptions & { force: boolean },
  ): KubeObject {
    const before = this.store.get(type, namespace, name);
    if (kind === 'apply') return this.apply(type, namespace, name, before, body as KubeObject, options);
    if (!before) throw notFound(type.plural, type.group, name);
    const patched =
      kind === 'json'
        ? jsonPatch(before, body)
        : ((kind === 'merge' ? mergePatch(before, body) : strategicMergePatch(before, body)) as KubeObject);
    this.checkTarget(type, namespace, patched, name);
    const prepared = this.finish(type, before, patched, options.subresource);
    return this.commit(type, before, prepared, options, (body as KubeObject)?.metadata?.resourceVersion);
  }

  private apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    before: KubeObject | undefined,
    body: KubeObject,
    options: WriteOptions & { force: boolean },
  ): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('the apply patch must be an object');
    if (!body.apiVersion || !body.kind)
      throw badRequest('apiVersion and kind must be set in the applied configuration');
    const applied = clone(body);
    this.checkTarget(type, namespace, applied, name);
    // A resourceVersion in the applied object is a precondition (kubectl diff relies on it).
    const expected = applied.metadata.resourceVersion;
    if (expected && expected !== before?.metadata.resourceVersion)
      throw conflict(
        type.plural,
        type.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    if (type.hasStatus && options.subresource !== 'status') delete applied.status;
    if (!options.fieldManager || options.fieldManager.length > 128)
      throw badRequest('fieldManager is required for apply requests (at most 128 characters)');
    const result = serverSideApply(before, applied, {
      manager: options.fieldManager,
      force: options.force,
      apiVersion: groupVersion(type),
      normalize: (merged) => this.finish(type, before, merged, options.subresource),
    });
    const unchanged =
      before &&
      sameContent(before, result) &&
      JSON.stringify(before.metadata.managedFields) === JSON.stringify(result.metadata.managedFields);
    if (unchanged) return before;
    if (options.dryRun) return withServerFields(result, before);
    return before ? this.store.update(type, result) : this.store.create(type, result);
  }

  private commit(
    type: ResourceType,
    before: KubeObject,
    prepared: KubeObject,
    options: WriteOptions,
    expectedVersion?: string,
  ): KubeObject {
    if (sameContent(before, prepared) && JSON.stringify(before.status) === JSON.stringify(prepared.status))
      return before;
    recordUpdate(before, prepared, options.fieldManager, groupVersion(type));
    if (options.dryRun) return withServerFields(prepared, before);
    return this.store.update(type, prepared, expectedVersion);
  }

  /** Deletes an object and, unless orphaned, everything it owns (the garbage collector's job). */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: { dryRun: boolean; orphan: boolean },
  ): KubeObject {
    const object = this.store.mustGet(type, namespace, name);
    if (options.dryRun) return object;
    if (type.kind === 'Namespace')
      for (const inner of STORED_TYPES.filter((t) => t.namespaced))
        for (const item of this.store.list(inner, name)) this.store.delete(inner, name, item.metadata.name);
    else if (!options.orphan) this.deleteDependents(object.metadata.uid, namespace);
    return this.store.delete(type, namespace, name);
  }

  private deleteDependents(uid: string, namespace: string | undefined): void {
    for (const type of STORED_TYPES.filter((t) => t.namespaced))
      for (const item of this.store.list(type, namespace))
        if (((item.metadata.ownerReferences ?? []) as KubeObject[]).some((ref) => ref.uid === uid)) {
          this.deleteDependents(item.metadata.uid, namespace);
          this.store.delete(type, namespace, item.metadata.name);
        }
  }
}

/** Typed API fields set to null are unset (kubectl's typed encoding sends `creationTimestamp: null`). */
function dropNulls(value: unknown): void {
  if (Array.isArray(value)) value.forEach(dropNulls);
  else if (value !== null && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      if (inner === null) delete (value as KubeObject)[key];
      else dropNulls(inner);
    }
}

/** What a dry run returns: the object as it would be stored. */
function withServerFields(object: KubeObject, before?: KubeObject): KubeObject {
  const result = clone(object);
  result.metadata.uid ??= before?.metadata.uid ?? '00000000-0000-0000-0000-000000000000';
  result.metadata.creationTimestamp ??=
    before?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  result.metadata.resourceVersion = before?.metadata.resourceVersion ?? '';
  return result;
}
