import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '@alt-las/action-kit';
import { ofKind, type ManifestDocument } from './manifest-set';

/** The `data` of a ConfigMap of the manifests; an error names it when it is missing. */
export function configMapData(
  documents: ManifestDocument[],
  namespace: string,
  name: string,
): Record<string, string> {
  const configMap = ofKind(documents, 'ConfigMap', namespace).find(
    (document) => document.object.metadata?.name === name,
  );
  if (!configMap) throw new ConfigurationError(`ConfigMap ${namespace}/${name} is not in the manifests`);
  return (configMap.object.data ?? {}) as Record<string, string>;
}

/**
 * Writes each key of a ConfigMap as a file in `directory`, the way a configMap volume mounts it, so
 * tools such as promtool can read the configuration exactly as the pod will.
 */
export function writeConfigMapFiles(
  documents: ManifestDocument[],
  namespace: string,
  name: string,
  directory: string,
): string[] {
  fs.mkdirSync(directory, { recursive: true });
  return Object.entries(configMapData(documents, namespace, name)).map(([key, value]) => {
    const file = path.join(directory, key);
    fs.writeFileSync(file, value);
    return file;
  });
}
