import { keyOf, listKeys, sameKey } from './list-keys';
import type { KubeObject } from './types';

/**
 * Field sets in the FieldsV1 vocabulary of managedFields: a path is a list of segments `f:<field>`,
 * `k:<json key>` (an item of an associative list) and `.` (the item itself). Sets hold leaf paths joined
 * by a newline so they compare as strings.
 */
const SEP = '\n';
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);

const isMap = (value: unknown): value is KubeObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export const splitPath = (path: string): string[] => path.split(SEP);

/** Leaf paths of an object's user-owned fields (apiVersion, kind, server metadata and status excluded). */
export function leafPaths(object: KubeObject, includeStatus = false): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind' || (key === 'status' && !includeStatus)) continue;
    if (key === 'metadata' && isMap(value)) {
      for (const [field, inner] of Object.entries(value))
        if (!SERVER_METADATA.has(field)) walk(field, inner, ['f:metadata'], out);
    } else walk(key, value, [], out);
  }
  return out;
}

function walk(field: string, value: unknown, prefix: string[], out: Set<string>): void {
  const path = [...prefix, `f:${field}`];
  if (isMap(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) walk(key, inner, path, out);
    return;
  }
  const keys = Array.isArray(value) && value.length > 0 ? listKeys(field, value) : undefined;
  if (!keys) {
    out.add(path.join(SEP));
    return;
  }
  for (const item of value as KubeObject[]) {
    const itemPath = [...path, `k:${JSON.stringify(keyOf(item, keys))}`];
    out.add([...itemPath, '.'].join(SEP));
    for (const [key, inner] of Object.entries(item)) walk(key, inner, itemPath, out);
  }
}

/** Finds the list item a `k:` segment names. */
function findItem(list: unknown, segment: string): KubeObject | undefined {
  if (!Array.isArray(list)) return undefined;
  const key = JSON.parse(segment.slice(2)) as Record<string, unknown>;
  const names = Object.keys(key);
  return (list as KubeObject[]).find((item) => sameKey(item, key, names));
}

/** The value at a path, or undefined when absent. */
export function valueAt(object: KubeObject | undefined, path: string): unknown {
  let current: unknown = object;
  let container: unknown;
  for (const segment of splitPath(path)) {
    if (segment === '.') return current;
    container = current;
    current = segment.startsWith('k:')
      ? findItem(container, segment)
      : (container as KubeObject | undefined)?.[segment.slice(2)];
    if (current === undefined) return undefined;
  }
  return current;
}

/** Removes the field (or list item, for a path ending in `.`) at a path, pruning emptied parents. */
export function deleteAt(object: KubeObject, path: string): void {
  const segments = splitPath(path);
  const itemPath = segments[segments.length - 1] === '.';
  const target = itemPath ? segments.slice(0, -1) : segments;
  const parents: unknown[] = [object];
  let current: unknown = object;
  for (const segment of target.slice(0, -1)) {
    current = segment.startsWith('k:')
      ? findItem(current, segment)
      : (current as KubeObject | undefined)?.[segment.slice(2)];
    if (current === undefined) return;
    parents.push(current);
  }
  const last = target[target.length - 1]!;
  const parent = parents[parents.length - 1];
  if (last.startsWith('k:') && Array.isArray(parent)) {
    const item = findItem(parent, last);
    if (item) parent.splice(parent.indexOf(item), 1);
  } else if (isMap(parent)) delete parent[last.slice(2)];
  // Drop maps and lists the removal left empty (not the top-level sections).
  for (let i = parents.length - 1; i > 1; i--) {
    const child = parents[i];
    const empty = Array.isArray(child) ? child.length === 0 : isMap(child) && Object.keys(child).length === 0;
    if (!empty) break;
    const holder = parents[i - 1];
    const segment = target[i - 1]!;
    if (Array.isArray(holder)) holder.splice(holder.indexOf(child), 1);
    else if (isMap(holder)) delete holder[segment.slice(2)];
  }
}

/** A set of leaf paths as the nested FieldsV1 object stored in managedFields. */
export function toFieldsV1(paths: Iterable<string>): KubeObject {
  const root: KubeObject = {};
  for (const path of [...paths].sort()) {
    let node = root;
    for (const segment of splitPath(path)) node = node[segment] ??= {};
  }
  return root;
}

export function fromFieldsV1(tree: KubeObject, prefix: string[] = [], out = new Set<string>()): Set<string> {
  for (const [segment, child] of Object.entries(tree)) {
    const path = [...prefix, segment];
    if (isMap(child) && Object.keys(child).length > 0) fromFieldsV1(child, path, out);
    else out.add(path.join(SEP));
  }
  return out;
}

/** `.spec.template.spec.containers[name="api"].image`, the way conflicts are reported. */
export function describePath(path: string): string {
  return splitPath(path)
    .filter((segment) => segment !== '.')
    .map((segment) =>
      segment.startsWith('k:')
        ? `[${Object.entries(JSON.parse(segment.slice(2)) as Record<string, unknown>)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`
        : `.${segment.slice(2)}`,
    )
    .join('');
}

/** Structural merge used by apply: maps merge, associative lists merge by key, other values replace. */
export function mergeApplied(live: unknown, applied: unknown, field = ''): unknown {
  if (isMap(applied)) {
    const result: KubeObject = isMap(live) ? { ...live } : {};
    for (const [key, value] of Object.entries(applied)) result[key] = mergeApplied(result[key], value, key);
    return result;
  }
  if (Array.isArray(applied) && Array.isArray(live) && applied.length > 0) {
    const keys = listKeys(field, applied);
    if (!keys) return structuredClone(applied);
    const result = [...(live as KubeObject[])];
    for (const item of applied as KubeObject[]) {
      const index = result.findIndex(
        (existing) => isMap(existing) && sameKey(existing, keyOf(item, keys), keys),
      );
      if (index >= 0) result[index] = mergeApplied(result[index], item) as KubeObject;
      else result.push(structuredClone(item));
    }
    return result;
  }
  return structuredClone(applied);
}
