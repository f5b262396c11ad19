import type { KubeObject } from './types';

/** An API error answered as a `Status` object, the way the API server reports failures. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: KubeObject = {},
  ) {
    super(message);
  }

  toStatus(): KubeObject {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    };
  }
}

/** `deployments.apps` style resource name used in messages. */
export const qualified = (plural: string, group: string) => (group ? `${plural}.${group}` : plural);

export const notFound = (plural: string, group: string, name: string) =>
  new ApiError(404, 'NotFound', `${qualified(plural, group)} "${name}" not found`, {
    name,
    group,
    kind: plural,
  });

export const alreadyExists = (plural: string, group: string, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualified(plural, group)} "${name}" already exists`, {
    name,
    group,
    kind: plural,
  });

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

export const invalid = (
  kind: string,
  group: string,
  name: string,
  causes: { field: string; message: string }[],
) =>
  new ApiError(
    422,
    'Invalid',
    `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
    { name, group, kind, causes: causes.map((c) => ({ reason: 'FieldValueInvalid', ...c })) },
  );

export const conflict = (plural: string, group: string, name: string, message: string) =>
  new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(plural, group)} "${name}": ${message}`,
    {
      name,
      group,
      kind: plural,
    },
  );
