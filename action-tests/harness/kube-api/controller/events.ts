import { randomBytes } from 'node:crypto';
import { RESOURCE_TYPES } from '../resources';
import type { ObjectStore } from '../store';
import type { KubeObject } from '../types';
import { timestamp } from './names';

const EVENT_TYPE = RESOURCE_TYPES.find((t) => t.kind === 'Event' && t.group === '')!;

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
  const existing = store
    .list(EVENT_TYPE, namespace)
    .find(
      (e) => e.involvedObject?.uid === object.metadata.uid && e.reason === reason && e.message === message,
    );
  if (existing) {
    existing.count = (existing.count ?? 1) + 1;
    existing.lastTimestamp = now;
    store.update(EVENT_TYPE, existing);
    return;
  }
  store.create(EVENT_TYPE, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${object.metadata.name}.${randomBytes(8).toString('hex')}`, namespace },
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
