import { ConfigurationError } from '@alt-las/action-kit';
import { KNOWN_KINDS, kindsFromDefinitions, orderRank } from './kinds';
import { objectKey, type KubeObject, type SourcedObject } from './kube-object';

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Checks every object offline (apiVersion, kind, name), puts namespaced objects without a namespace
 * into the release namespace, and refuses duplicates. All problems are reported together.
 */
export function validateObjects(objects: SourcedObject[], namespace: string): SourcedObject[] {
  const definitions = objects
    .map(({ object }) => object)
    .filter((object) => object.kind === 'CustomResourceDefinition');
  const kinds = { ...KNOWN_KINDS, ...kindsFromDefinitions(definitions as never[]) };
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const result: SourcedObject[] = [];
  for (const sourced of objects) {
    const { object, file, line } = sourced;
    const where = `${file}:${line}`;
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      problems.push(`${where}: every object needs apiVersion and kind`);
      continue;
    }
    const info = kinds[object.kind];
    if (!info) {
      problems.push(`${where}: unknown kind "${object.kind}" (apiVersion ${object.apiVersion})`);
      continue;
    }
    if (!info.apiVersions.includes(object.apiVersion)) {
      problems.push(
        `${where}: ${object.kind} has apiVersion "${object.apiVersion}", expected ${info.apiVersions.join(' or ')}`,
      );
      continue;
    }
    const name = object.metadata?.name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      problems.push(
        `${where}: ${object.kind} needs metadata.name of lower-case letters, digits, "-" and "."`,
      );
      continue;
    }
    const metadata = { ...object.metadata };
    if (info.namespaced) metadata.namespace ??= namespace;
    else delete metadata.namespace;
    const normalized: KubeObject = { ...object, metadata };
    const key = objectKey(normalized);
    const previous = seen.get(key);
    if (previous) {
      problems.push(`${where}: ${object.kind} "${name}" is also defined at ${previous}`);
      continue;
    }
    seen.set(key, where);
    result.push({ ...sourced, object: normalized });
  }
  if (problems.length > 0) {
    throw new ConfigurationError(
      `input "manifests": ${problems.length} invalid object(s):\n${problems.join('\n')}`,
      'manifests',
    );
  }
  return result;
}

/** Stable sort by apply order (Namespace, RBAC, config, storage, Services, workloads, policies, Ingress, rest). */
export function orderObjects<T extends { object: KubeObject }>(objects: T[]): T[] {
  return objects
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => orderRank(a.entry.object.kind) - orderRank(b.entry.object.kind) || a.index - b.index)
    .map(({ entry }) => entry);
}
