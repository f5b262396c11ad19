import { ApiError } from './errors';
import {
  deleteAt,
  describePath,
  fromFieldsV1,
  leafPaths,
  mergeApplied,
  toFieldsV1,
  valueAt,
} from './field-sets';
import type { KubeObject } from './types';

interface Entry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fields: Set<string>;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function readEntries(object: KubeObject | undefined): Entry[] {
  return ((object?.metadata?.managedFields ?? []) as KubeObject[]).map((entry) => ({
    manager: entry.manager,
    operation: entry.operation,
    apiVersion: entry.apiVersion,
    time: entry.time,
    fields: fromFieldsV1(entry.fieldsV1 ?? {}),
  }));
}

function writeEntries(object: KubeObject, entries: Entry[]): void {
  object.metadata.managedFields = entries
    .filter((entry) => entry.fields.size > 0)
    .map((entry) => ({
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      time: entry.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(entry.fields),
    }));
}

export interface ApplyOptions {
  manager: string;
  force: boolean;
  apiVersion: string;
  /** Defaulting and normalisation of the merged object, applied before deciding whether it changed. */
  normalize: (object: KubeObject) => KubeObject;
}

const sameSet = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((path) => b.has(path));

/**
 * Server-side apply: merges the applied configuration into the live object, refuses (409) to change a
 * field another manager owns with a different value unless forced (then ownership moves), and removes
 * fields this manager applied before but no longer does when nobody else owns them.
 */
export function serverSideApply(
  live: KubeObject | undefined,
  applied: KubeObject,
  options: ApplyOptions,
): KubeObject {
  const entries = readEntries(live);
  const mine = entries.find((e) => e.manager === options.manager && e.operation === 'Apply');
  const others = entries.filter((e) => e !== mine);
  const fields = leafPaths(applied);
  const conflicts: { manager: string; apiVersion: string; path: string }[] = [];
  for (const entry of others)
    for (const path of fields)
      if (!path.endsWith('.') && entry.fields.has(path) && !same(valueAt(live, path), valueAt(applied, path)))
        conflicts.push({ manager: entry.manager, apiVersion: entry.apiVersion, path });
  if (conflicts.length > 0 && !options.force) {
    const remaining = conflicts.filter((c) => !fromClientSideApply(live, options.manager).has(c.path));
    if (remaining.length > 0) throw conflictError(remaining);
  }
  for (const { manager, path } of conflicts)
    for (const e of others) if (e.manager === manager) e.fields.delete(path);

  const base = live ? structuredClone(live) : {};
  let merged = mergeApplied(base, withoutServerFields(applied)) as KubeObject;
  for (const path of mine?.fields ?? [])
    if (!fields.has(path) && !others.some((entry) => entry.fields.has(path))) deleteAt(merged, path);
  merged = options.normalize(merged);

  const unchanged =
    live !== undefined &&
    mine !== undefined &&
    conflicts.length === 0 &&
    sameSet(mine.fields, fields) &&
    sameContent(live, merged);
  if (unchanged) return structuredClone(live);
  const entry: Entry = {
    manager: options.manager,
    operation: 'Apply',
    apiVersion: options.apiVersion,
    time: now(),
    fields,
  };
  writeEntries(merged, mine ? entries.map((e) => (e === mine ? entry : e)) : [...entries, entry]);
  return merged;
}

/** Records an update (create, replace, patch) by `manager`: it takes over every field it changed. */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
  apiVersion: string,
): void {
  const entries = readEntries(before);
  const fields = leafPaths(after);
  const changed = [...fields].filter((path) => !before || !same(valueAt(before, path), valueAt(after, path)));
  for (const entry of entries)
    for (const path of [...entry.fields])
      if (
        !fields.has(path) ||
        (changed.includes(path) && !(entry.manager === manager && entry.operation === 'Update'))
      )
        entry.fields.delete(path);
  if (changed.length > 0) {
    let mine = entries.find((e) => e.manager === manager && e.operation === 'Update');
    if (!mine)
      entries.push((mine = { manager, operation: 'Update', apiVersion, time: now(), fields: new Set() }));
    for (const path of changed) mine.fields.add(path);
    mine.time = now();
  }
  writeEntries(after, entries);
}

/**
 * The API server lets `kubectl --server-side` (manager "kubectl") take over, without conflicts, the
 * fields listed in the object's client-side `last-applied-configuration`: the way from `kubectl apply`
 * to `kubectl apply --server-side`.
 */
function fromClientSideApply(live: KubeObject | undefined, manager: string): Set<string> {
  const lastApplied = live?.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (manager !== 'kubectl' || typeof lastApplied !== 'string') return new Set();
  try {
    return leafPaths(JSON.parse(lastApplied) as KubeObject);
  } catch {
    return new Set();
  }
}

function conflictError(conflicts: { manager: string; apiVersion: string; path: string }[]): ApiError {
  const lines = conflicts.map(
    (c) => `conflict with "${c.manager}" using ${c.apiVersion}: ${describePath(c.path)}`,
  );
  const message =
    conflicts.length === 1
      ? `Apply failed with 1 conflict: ${lines[0]}`
      : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return new ApiError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with "${c.manager}" using ${c.apiVersion}`,
      field: describePath(c.path),
    })),
  });
}

function withoutServerFields(applied: KubeObject): KubeObject {
  const copy = structuredClone(applied);
  if (copy.metadata) {
    delete copy.metadata.managedFields;
    delete copy.metadata.resourceVersion;
    delete copy.metadata.uid;
    delete copy.metadata.creationTimestamp;
    delete copy.metadata.generation;
  }
  return copy;
}

/** Equality of everything but managedFields, resourceVersion and status. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const copy = structuredClone(o);
    delete copy.status;
    if (copy.metadata) {
      delete copy.metadata.managedFields;
      delete copy.metadata.resourceVersion;
    }
    return copy;
  };
  return same(strip(a), strip(b));
}
