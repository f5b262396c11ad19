import { createHash, randomBytes } from 'node:crypto';
import type { KubeObject } from '../types';

// The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function encode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/** A stable hash of a pod template (the pod-template-hash / controller-revision-hash label value). */
export function templateHash(template: KubeObject): string {
  const copy = structuredClone(template);
  delete copy.metadata?.labels?.['pod-template-hash'];
  return encode(createHash('sha256').update(stableJson(copy)).digest(), 10);
}

export const randomSuffix = () => encode(randomBytes(5), 5);

/** JSON with object keys sorted, the way Go marshals maps (kubectl compares revision data byte for byte). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as KubeObject)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as KubeObject)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export const timestamp = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export const ownerReference = (owner: KubeObject) => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.metadata.name,
  uid: owner.metadata.uid,
  controller: true,
  blockOwnerDeletion: true,
});

export const isOwnedBy = (object: KubeObject, owner: KubeObject) =>
  ((object.metadata.ownerReferences ?? []) as KubeObject[]).some(
    (ref) => ref.uid === owner.metadata.uid && ref.controller,
  );

export function imagesOf(template: KubeObject | undefined): string[] {
  const spec = template?.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: KubeObject) => String(c.image));
}
