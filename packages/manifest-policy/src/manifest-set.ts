import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigurationError } from '@alt-las/action-kit';
import { substituteVariables } from '@alt-las/kube';

/** A Kubernetes object as written in a manifest; fields are checked by the schema and the rules. */
export interface KubeDocument {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** One document of one manifest file, with where it came from. */
export interface ManifestDocument {
  file: string;
  /** 1-based position of the document in its file. */
  index: number;
  object: KubeDocument;
}

const VARIABLE = /\$\{([^}]*)\}/g;

/** The `${NAME}` variables a text uses, in order of first use. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((match) => match[1]!))];
}

/** Parses a multi-document YAML text; empty documents (a trailing `---`) are skipped. */
export function parseManifests(file: string, text: string): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  parseAllDocuments(text).forEach((document, position) => {
    const problem = document.errors[0];
    if (problem) throw new ConfigurationError(`${file}: document ${position + 1}: ${problem.message}`, file);
    const object = document.toJS() as unknown;
    if (object === null || object === undefined) return;
    if (typeof object !== 'object' || Array.isArray(object)) {
      throw new ConfigurationError(`${file}: document ${position + 1} is not a mapping`, file);
    }
    documents.push({ file, index: position + 1, object: object as KubeDocument });
  });
  return documents;
}

/** Every `*.yaml`/`*.yml` file of a directory, rendered with `vars` and parsed, in file-name order. */
export function loadManifestDirectory(directory: string, vars: Record<string, string>): ManifestDocument[] {
  return fs
    .readdirSync(directory)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .flatMap((name) => {
      const text = fs.readFileSync(path.join(directory, name), 'utf8');
      return parseManifests(name, substituteVariables(text, vars, name));
    });
}

/** `Kind namespace/name`, the way a reader finds the object in the file. */
export function describeDocument(document: ManifestDocument): string {
  const { kind = '<no kind>', metadata = {} } = document.object;
  const name = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : `${metadata.name}`;
  return `${kind} ${name}`;
}

/** The documents of one kind (optionally in one namespace). */
export function ofKind(documents: ManifestDocument[], kind: string, namespace?: string): ManifestDocument[] {
  return documents.filter(
    (document) =>
      document.object.kind === kind &&
      (namespace === undefined || document.object.metadata?.namespace === namespace),
  );
}

/** A deep copy that a test can change without touching the original. */
export function cloneDocuments(documents: ManifestDocument[]): ManifestDocument[] {
  return documents.map((document) => ({ ...document, object: structuredClone(document.object) }));
}
