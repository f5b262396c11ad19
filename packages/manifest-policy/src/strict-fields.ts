import * as models from '@kubernetes/client-node/dist/gen/models/all.js';
import { appendField, appendIndex } from './field-path';

/**
 * Unknown-field detection from the field lists of the official Kubernetes client, which is generated
 * from the API server's OpenAPI document. The JSON-schema validator accepts any extra property (as the
 * API server does without strict validation); this walk reports them, so a misspelled `readinesProbe`
 * or a `securityContext` at the wrong level fails instead of being silently dropped.
 */
interface Attribute {
  baseName: string;
  type: string;
}
interface ModelClass {
  getAttributeTypeMap(): Attribute[];
}

const registry = models as unknown as Record<string, ModelClass | undefined>;

export interface UnknownField {
  /** e.g. `spec.template.spec.containers[0].readinesProbe`. */
  path: string;
  /** The unknown field itself: `readinesProbe`. */
  name: string;
  /** The fields that are allowed there. */
  allowed: string[];
}

/** The client's model name of a top-level kind: `apps/v1` `Deployment` -> `V1Deployment`. */
export function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

export function hasModel(apiVersion: string, kind: string): boolean {
  return typeof registry[modelName(apiVersion, kind)]?.getAttributeTypeMap === 'function';
}

export function unknownFields(object: unknown, apiVersion: string, kind: string): UnknownField[] {
  return unknownFieldsOfType(object, modelName(apiVersion, kind), '');
}

/** The same walk from a named model (such as `V1ObjectMeta`) at `path`. */
export function unknownFieldsOfType(value: unknown, type: string, path: string): UnknownField[] {
  const found: UnknownField[] = [];
  walk(value, type, path, found);
  return found;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

function walk(value: unknown, type: string, path: string, found: UnknownField[]): void {
  if (value === null || value === undefined) return;
  const array = ARRAY.exec(type);
  if (array) {
    if (Array.isArray(value))
      value.forEach((item, index) => walk(item, array[1]!, appendIndex(path, index), found));
    return;
  }
  const map = MAP.exec(type);
  if (map) {
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) walk(item, map[1]!, appendField(path, key), found);
    }
    return;
  }
  const model = registry[type];
  // Scalars, IntOrString and free-form objects: their values are the schema validator's business.
  if (typeof model?.getAttributeTypeMap !== 'function' || typeof value !== 'object' || Array.isArray(value))
    return;
  const attributes = new Map(
    model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute.type]),
  );
  for (const [key, item] of Object.entries(value)) {
    const itemType = attributes.get(key);
    if (itemType === undefined)
      found.push({ path: appendField(path, key), name: key, allowed: [...attributes.keys()].sort() });
    else walk(item, itemType, appendField(path, key), found);
  }
}
