import { badRequest, ApiError } from './errors';
import { sameKey, keyOf, strategicMergeKey } from './list-keys';
import { clone } from './store';
import type { KubeObject } from './types';

const isMap = (value: unknown): value is KubeObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  const result: KubeObject = isMap(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: KubeObject, operations: unknown): KubeObject {
  if (!Array.isArray(operations)) throw badRequest('json patch must be an array of operations');
  let document: unknown = clone(target);
  for (const operation of operations as KubeObject[]) {
    const path = parsePointer(operation.path);
    switch (operation.op) {
      case 'add':
        document = setAt(document, path, clone(operation.value), 'add');
        break;
      case 'replace':
        getAt(document, path);
        document = setAt(document, path, clone(operation.value), 'replace');
        break;
      case 'remove':
        getAt(document, path);
        document = removeAt(document, path);
        break;
      case 'move': {
        const from = parsePointer(operation.from);
        const value = getAt(document, from);
        document = setAt(removeAt(document, from), path, value, 'add');
        break;
      }
      case 'copy':
        document = setAt(document, path, clone(getAt(document, parsePointer(operation.from))), 'add');
        break;
      case 'test':
        if (JSON.stringify(getAt(document, path)) !== JSON.stringify(operation.value))
          throw new ApiError(
            422,
            'Invalid',
            `the server rejected our request: test failed at ${operation.path}`,
          );
        break;
      default:
        throw badRequest(`unknown json patch operation "${String(operation.op)}"`);
    }
  }
  return document as KubeObject;
}

function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string' || (pointer !== '' && !pointer.startsWith('/')))
    throw badRequest(`invalid json pointer "${String(pointer)}"`);
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(document: unknown, path: string[]): unknown {
  let current = document;
  for (const segment of path) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (isMap(current) && segment in current) current = current[segment];
    else current = undefined;
    if (current === undefined)
      throw new ApiError(422, 'Invalid', `the server rejected our request: missing path /${path.join('/')}`);
  }
  return current;
}

function setAt(document: unknown, path: string[], value: unknown, mode: 'add' | 'replace'): unknown {
  if (path.length === 0) return value;
  const parent = getAt(document, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isMap(parent)) parent[last] = value;
  else throw new ApiError(422, 'Invalid', `the server rejected our request: cannot set /${path.join('/')}`);
  return document;
}

function removeAt(document: unknown, path: string[]): unknown {
  const parent = getAt(document, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isMap(parent)) delete parent[last];
  return document;
}

/**
 * Strategic merge patch as kubectl sends it: maps merge, `null` deletes, lists with a merge key merge
 * item by item, and the directives `$patch` (replace/delete/merge), `$retainKeys`,
 * `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` are honoured.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  const body = Object.fromEntries(Object.entries(patch).filter(([key]) => key !== '$patch'));
  if (directive === 'replace') return stripDirectives(body);
  const result: KubeObject = isMap(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(result[field]))
        result[field] = (result[field] as unknown[]).filter((item) => !(value as unknown[]).includes(item));
      continue;
    }
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(key, result[key], value);
    else {
      const merged = strategicMergePatch(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    }
  }
  if (Array.isArray(body.$retainKeys))
    for (const key of Object.keys(result))
      if (!(body.$retainKeys as string[]).includes(key)) delete result[key];
  for (const [key, value] of Object.entries(body)) {
    const field = key.slice('$setElementOrder/'.length);
    if (key.startsWith('$setElementOrder/') && Array.isArray(result[field]))
      result[field] = reorder(field, result[field] as KubeObject[], value as KubeObject[]);
  }
  return result;
}

function mergeList(field: string, current: unknown, patch: unknown[]): unknown[] {
  if (patch.some((item) => isMap(item) && item.$patch === 'replace'))
    return patch.filter((item) => !(isMap(item) && item.$patch === 'replace')).map(stripDirectives);
  const key = strategicMergeKey(
    field,
    patch.filter((item) => !(isMap(item) && Object.keys(item).length === 1 && item.$patch)),
  );
  if (!key || !Array.isArray(current))
    return patch.filter((item) => !(isMap(item) && item.$patch)).map(stripDirectives);
  const result = clone(current) as KubeObject[];
  for (const item of patch as KubeObject[]) {
    const index = result.findIndex((existing) => sameKey(existing, keyOf(item, [key]), [key]));
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = strategicMergePatch(result[index], item) as KubeObject;
    else result.push(stripDirectives(item) as KubeObject);
  }
  return result;
}

function reorder(field: string, items: KubeObject[], order: KubeObject[]): KubeObject[] {
  const key = strategicMergeKey(field, items);
  if (!key) return items;
  const position = (item: KubeObject) => {
    const index = order.findIndex((entry) => entry[key] === item[key]);
    return index < 0 ? order.length : index;
  };
  return [...items].sort((a, b) => position(a) - position(b));
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('$'))
      .map(([key, item]) => [key, stripDirectives(item)]),
  );
}
