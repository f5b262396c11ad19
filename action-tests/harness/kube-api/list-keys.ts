import type { KubeObject } from './types';

/**
 * Merge keys of the associative lists the stand-in knows (by field name, which is unambiguous for the
 * kinds it serves). Lists not named here are atomic: replaced whole by patches and owned as one field.
 */
const KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  imagePullSecrets: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  conditions: ['type'],
  hostAliases: ['ip'],
  ownerReferences: ['uid'],
  topologySpreadConstraints: ['topologyKey', 'whenUnsatisfiable'],
};

/** Key fields for the items of list `field`, or undefined when the list is atomic. */
export function listKeys(field: string, items: unknown[]): string[] | undefined {
  if (!items.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item)))
    return undefined;
  if (field === 'ports') {
    const first = items[0] as KubeObject | undefined;
    const primary = first && 'containerPort' in first ? 'containerPort' : 'port';
    return [primary, 'protocol'];
  }
  return KEYS[field];
}

/** The strategic-merge key (one field, as in the API's patchMergeKey). */
export function strategicMergeKey(field: string, items: unknown[]): string | undefined {
  return listKeys(field, items)?.[0];
}

export function keyOf(item: KubeObject, keys: string[]): Record<string, unknown> {
  const key: Record<string, unknown> = {};
  for (const name of keys) {
    if (item[name] !== undefined) key[name] = item[name];
    // Ports default their protocol, so an item without one matches TCP.
    else if (name === 'protocol') key[name] = 'TCP';
  }
  return key;
}

export const sameKey = (item: KubeObject, key: Record<string, unknown>, keys: string[]) =>
  JSON.stringify(keyOf(item, keys)) === JSON.stringify(key);
