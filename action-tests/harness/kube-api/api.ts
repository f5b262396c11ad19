import { alreadyExists, badRequest, conflict, invalid, notFound } from './errors';
import { applyDefaults } from './defaults';
import { recordUpdate, sameContent, serverSideApply } from './managed-fields';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { groupVersion, RESOURCE_TYPES, storageKey, type ResourceType } from './resources';
import { clone, type ObjectStore } from './store';
import type { KubeObject } from './types';
import { checkTarget, validate } from './validation';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  /** Writes to the status subresource change only status; writes to the object never change status. */
  subresource?: string;
}

export type PatchKind = 'apply' | 'strategic' | 'merge' | 'json';

/** One resource type per storage (autoscaling/v1 and v2 share theirs). */
const STORED_TYPES = RESOURCE_TYPES.filter(
  (type, index) => RESOURCE_TYPES.findIndex((other) => storageKey(other) === storageKey(type)) === index,
);

/** The write paths of the API server (create, replace, patch, apply, delete) over the object store. */
export class ObjectApi {
  private nextIp = 10;

  constructor(readonly store: ObjectStore) {}

  private allocateIp = () => `10.96.${Math.floor(this.nextIp / 250)}.${(this.nextIp++ % 250) + 1}`;

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
    validate(type, object);
    return object;
  }

  create(
    type: ResourceType,
    namespace: string | undefined,
    body: KubeObject,
    options: WriteOptions,
  ): KubeObject {
    const object = clone(body);
    checkTarget(this.store, type, namespace, object);
    delete object.metadata.managedFields;
    delete object.metadata.resourceVersion;
    if (this.store.get(type, namespace, object.metadata.name))
      throw alreadyExists(type.plural, type.group, object.metadata.name);
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
    checkTarget(this.store, type, namespace, object, name);
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
    checkTarget(this.store, type, namespace, patched, name);
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
    checkTarget(this.store, type, namespace, applied, name);
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
    // A client may rewrite managedFields (kubectl does, moving client-side apply ownership to its
    // server-side manager); as on the API server, a non-empty list it sends is taken as is, and
    // entries without fields are dropped (so `[{}]` clears them).
    const supplied = prepared.metadata.managedFields;
    const rewritten =
      Array.isArray(supplied) &&
      supplied.length > 0 &&
      JSON.stringify(supplied) !== JSON.stringify(before.metadata.managedFields);
    if (
      !rewritten &&
      sameContent(before, prepared) &&
      JSON.stringify(before.status) === JSON.stringify(prepared.status)
    )
      return before;
    if (rewritten)
      prepared.metadata.managedFields = (supplied as KubeObject[]).filter(
        (entry) => entry?.manager && Object.keys(entry.fieldsV1 ?? {}).length > 0,
      );
    else recordUpdate(before, prepared, options.fieldManager, groupVersion(type));
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
