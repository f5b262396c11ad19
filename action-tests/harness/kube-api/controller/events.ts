import { randomBytes } from 'node:crypto';
import { RESOURCE_TYPES } from '../resources';
import type { ObjectStore } from '../store';
import type { KubeObject } from '../types';
import { timestamp } from './names';

const EVENT_TYPE = RESOURCE_TYPES.find((t) => t.kind === 'Event' && t.group === '')!;
/** Per store: (object uid, reason, message) -> the name of the event that records it. */
const recorded = new WeakMap<ObjectStore, Map<string, string>>();

/**
 * Records a core/v1 Event about `object`; a repeat of the same reason and message bumps `count` and
 * `lastTimestamp` of the existing event, as the kubelet and controllers do.
 */
export function recordEvent(
  store: ObjectStore,
  object: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  component: string,
): void {
  const namespace = object.metadata.namespace ?? 'default';
  const now = timestamp();
  // Repeats are found through an index rather than by listing every event (that dominated big runs).
  let index = recorded.get(store);
  if (!index) recorded.set(store, (index = new Map()));
  const key = `${object.metadata.uid}\n${reason}\n${message}`;
  const known = index.get(key);
  const existing = known && store.get(EVENT_TYPE, namespace, known);
  if (existing) {
    existing.count = (existing.count ?? 1) + 1;
    existing.lastTimestamp = now;
    store.update(EVENT_TYPE, existing);
    return;
  }
  const name = `${object.metadata.name}.${randomBytes(8).toString('hex')}`;
  index.set(key, name);
  store.create(EVENT_TYPE, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
    },
    type,
    reason,
    message,
    source: { component },
    reportingComponent: component,
    reportingInstance: '',
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
}
