import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { ConfigurationError } from '@alt-las/action-kit';
import type { KubeObject, SourcedObject } from './kube-object';
import type { ManifestSource } from './manifest-files';
import { substituteVariables } from './substitute';

/** Parses a multi-document YAML (or JSON) text; errors name the file and line. */
export function parseManifestText(text: string, file: string): SourcedObject[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  if (!Array.isArray(documents)) return [];
  const objects: SourcedObject[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error) {
      const line = lineCounter.linePos(error.pos[0]).line;
      throw new ConfigurationError(
        `${file}:${line}: invalid YAML: ${error.message.split('\n')[0]}`,
        'manifests',
      );
    }
    const line = document.contents ? lineCounter.linePos(document.contents.range[0]).line : 1;
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ConfigurationError(`${file}:${line}: expected a Kubernetes object (a mapping)`, 'manifests');
    }
    const object = value as KubeObject;
    // `kind: List` bundles (kubectl get -o yaml output) are flattened into their items.
    if (object.kind === 'List' && Array.isArray(object.items)) {
      for (const item of object.items as KubeObject[]) objects.push({ object: item, file, line });
    } else objects.push({ object, file, line });
  }
  return objects;
}

/** Renders a kustomization; the caller passes `kubectl kustomize` so this stays testable. */
export type KustomizeRenderer = (dir: string) => Promise<string>;

/** Reads every source, substitutes the allowed `${NAME}`s in the text, and parses the objects. */
export async function loadManifests(
  sources: ManifestSource[],
  options: { vars: Record<string, string>; workspace: string; kustomize: KustomizeRenderer },
): Promise<SourcedObject[]> {
  const objects: SourcedObject[] = [];
  for (const source of sources) {
    const display = path.relative(options.workspace, source.path) || source.path;
    const text =
      source.type === 'file' ? fs.readFileSync(source.path, 'utf8') : await options.kustomize(source.path);
    const name = source.type === 'file' ? display : `${display} (kustomize output)`;
    objects.push(...parseManifestText(substituteVariables(text, options.vars, name), name));
  }
  return objects;
}
