import { randomUUID } from 'node:crypto';
import { alreadyExists, ApiError, conflict, notFound } from './errors';
import { storageKey, type ResourceType } from './resources';
import type { KubeObject } from './types';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  resourceVersion: number;
  type: WatchEventType;
  key: string;
  object: KubeObject;
  /** The object before a MODIFIED event (watches with selectors need it). */
  previous?: KubeObject;
}

type Listener = (event: StoredEvent) => void;

/** Events kept for watches that resume from an older resourceVersion; older ones answer 410 Gone. */
const HISTORY_LIMIT = 20_000;

export const clone = <T>(value: T): T => structuredClone(value);

/**
 * The object store: one map per kind, a global resourceVersion counter like etcd's revision, and an
 * event history that watches replay from and then follow.
 */
export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private revision = 1;
  /** Called after every committed change (the controller reacts to it). */
  onChange: (event: StoredEvent) => void = () => {};

  get resourceVersion(): string {
    return String(this.revision);
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = storageKey(type);
    let bucket = this.objects.get(key);
    if (!bucket) this.objects.set(key, (bucket = new Map()));
    return bucket;
  }

  private static id = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.bucket(type).get(ObjectStore.id(namespace, name));
    return found && clone(found);
  }

  mustGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.get(type, namespace, name);
    if (!found) throw notFound(type.plural, type.group, name);
    return found;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    // Sorted by the `<namespace>/<name>` key with a plain comparison (collation is needlessly slow here).
    return [...this.bucket(type).entries()]
      .filter(([, object]) => namespace === undefined || object.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, object]) => object)
      .map(clone);
  }

  /** Every stored object (for `KubeApi.objects()`). */
  all(): { type: string; object: KubeObject }[] {
    return [...this.objects.entries()].flatMap(([type, bucket]) =>
      [...bucket.values()].map((object) => ({ type, object: clone(object) })),
    );
  }

  create(type: ResourceType, object: KubeObject): KubeObject {
    const bucket = this.bucket(type);
    const id = ObjectStore.id(object.metadata.namespace, object.metadata.name);
    if (bucket.has(id)) throw alreadyExists(type.plural, type.group, object.metadata.name);
    const stored = clone(object);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    stored.metadata.resourceVersion = String(++this.revision);
    bucket.set(id, stored);
    this.emit({ type: 'ADDED', key: storageKey(type), object: stored });
    return clone(stored);
  }

  /** Replaces an object; `expectedVersion` gives optimistic concurrency like the API server. */
  update(type: ResourceType, object: KubeObject, expectedVersion?: string): KubeObject {
    const bucket = this.bucket(type);
    const id = ObjectStore.id(object.metadata.namespace, object.metadata.name);
    const current = bucket.get(id);
    if (!current) throw notFound(type.plural, type.group, object.metadata.name);
    if (expectedVersion && expectedVersion !== current.metadata.resourceVersion)
      throw conflict(
        type.plural,
        type.group,
        object.metadata.name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    // A write that changes nothing keeps the resourceVersion and notifies no watcher.
    if (
      JSON.stringify(current) ===
      JSON.stringify({
        ...object,
        metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion },
      })
    )
      return clone(current);
    const stored = clone(object);
    stored.metadata.uid = current.metadata.uid;
    stored.metadata.creationTimestamp = current.metadata.creationTimestamp;
    stored.metadata.resourceVersion = String(++this.revision);
    bucket.set(id, stored);
    this.emit({ type: 'MODIFIED', key: storageKey(type), object: stored, previous: current });
    return clone(stored);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const bucket = this.bucket(type);
    const id = ObjectStore.id(namespace, name);
    const current = bucket.get(id);
    if (!current) throw notFound(type.plural, type.group, name);
    bucket.delete(id);
    const deleted = clone(current);
    deleted.metadata.resourceVersion = String(++this.revision);
    this.emit({ type: 'DELETED', key: storageKey(type), object: deleted });
    return clone(deleted);
  }

  private emit(event: Omit<StoredEvent, 'resourceVersion'>): void {
    const stored = { ...event, resourceVersion: this.revision, object: clone(event.object) };
    this.history.push(stored);
    if (this.history.length > HISTORY_LIMIT) this.history.splice(0, this.history.length - HISTORY_LIMIT);
    for (const listener of this.listeners) listener(stored);
    this.onChange(stored);
  }

  /**
   * Follows changes of one kind after `fromVersion`: replays the history first, then live events.
   * Returns the unsubscribe function.
   */
  watch(type: ResourceType, fromVersion: number, listener: Listener): () => void {
    const key = storageKey(type);
    const oldest = this.history[0]?.resourceVersion ?? this.revision + 1;
    if (fromVersion > 0 && fromVersion < oldest - 1 && this.history.length >= HISTORY_LIMIT)
      throw new ApiError(410, 'Expired', `too old resource version: ${fromVersion} (${oldest - 1})`);
    for (const event of this.history)
      if (event.key === key && event.resourceVersion > fromVersion) listener(event);
    const filtered: Listener = (event) => {
      if (event.key === key) listener(event);
    };
    this.listeners.add(filtered);
    return () => this.listeners.delete(filtered);
  }
}
