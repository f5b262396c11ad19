import { appendField, appendIndex } from './field-path';

/**
 * Validation against the Kubernetes API's JSON schemas (types, required fields, formats and enums) as
 * compiled by `kubernetes-models` from the official OpenAPI document.
 */
interface Model {
  validate(): void;
}
type ModelConstructor = new (data: unknown) => Model;

export interface SchemaError {
  path: string;
  message: string;
}

/** `kubernetes-models/<group>/<version>/<Kind>`; the core group lives under `v1`. */
function modulePath(apiVersion: string, kind: string): string {
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const cache = new Map<string, Promise<ModelConstructor | undefined>>();

export function loadModel(apiVersion: string, kind: string): Promise<ModelConstructor | undefined> {
  const key = `${apiVersion}/${kind}`;
  let model = cache.get(key);
  if (!model) {
    model = import(modulePath(apiVersion, kind)).then(
      (module: Record<string, unknown>) => module[kind] as ModelConstructor | undefined,
      () => undefined,
    );
    cache.set(key, model);
  }
  return model;
}

/** `undefined` when the kind has no schema in the package (an unknown or misspelled kind). */
export async function schemaErrors(
  object: unknown,
  apiVersion: string,
  kind: string,
): Promise<SchemaError[] | undefined> {
  const Model = await loadModel(apiVersion, kind);
  if (!Model) return undefined;
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string; params?: unknown }[] })
      .errors;
    if (!errors) throw error;
    return errors.map((entry) => describeSchemaError(entry.instancePath, entry.message, entry.params));
  }
}

/** One wording for both validators: a missing field is named by its own path. */
export function describeSchemaError(
  pointer: string,
  message: string | undefined,
  params: unknown,
): SchemaError {
  const { missingProperty, allowedValues } = (params ?? {}) as {
    missingProperty?: string;
    allowedValues?: unknown[];
  };
  const base = pointerToPath(pointer);
  if (missingProperty !== undefined) {
    return {
      path: base === '' ? missingProperty : `${base}.${missingProperty}`,
      message: 'is required but missing',
    };
  }
  const detail = allowedValues ? ` (${allowedValues.join(', ')})` : '';
  return { path: base, message: `${message ?? 'is invalid'}${detail}` };
}

/** `/spec/template/spec/containers/0/name` -> `spec.template.spec.containers[0].name`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, part) => (/^\d+$/.test(part) ? appendIndex(path, Number(part)) : appendField(path, part)),
      '',
    );
}
