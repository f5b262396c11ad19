import { ApiError } from './errors';
import type { KubeObject } from './types';

/**
 * kubectl's typed clients (`kubectl create namespace|configmap|secret|serviceaccount`) send bodies in
 * Kubernetes' protobuf envelope: the magic `k8s\0`, then a runtime.Unknown holding apiVersion, kind and
 * the object's message. This decodes those few kinds into JSON objects; other protobuf bodies get 415.
 */
type FieldKind =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'int'
  | 'stringMap'
  | 'bytesMap'
  | 'strings'
  | { message: Schema; repeated?: boolean };
type Schema = Record<number, [string, FieldKind]>;

const OBJECT_META: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  11: ['labels', 'stringMap'],
  12: ['annotations', 'stringMap'],
  14: ['finalizers', 'strings'],
};
const meta = { message: OBJECT_META } as const;
const SCHEMAS: Record<string, Schema> = {
  Namespace: { 1: ['metadata', meta], 2: ['spec', { message: { 1: ['finalizers', 'strings'] } }] },
  ConfigMap: {
    1: ['metadata', meta],
    2: ['data', 'stringMap'],
    3: ['binaryData', 'bytesMap'],
    4: ['immutable', 'bool'],
  },
  Secret: {
    1: ['metadata', meta],
    2: ['data', 'bytesMap'],
    3: ['type', 'string'],
    4: ['stringData', 'stringMap'],
    5: ['immutable', 'bool'],
  },
  ServiceAccount: {
    1: ['metadata', meta],
    3: ['imagePullSecrets', { message: { 1: ['name', 'string'] }, repeated: true }],
    4: ['automountServiceAccountToken', 'bool'],
  },
};
const UNKNOWN: Schema = {
  1: ['typeMeta', { message: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] } }],
  2: ['raw', 'bytes'],
};
const MAP_ENTRY = (value: 'string' | 'bytes'): Schema => ({ 1: ['key', 'string'], 2: ['value', value] });

function readVarint(buffer: Buffer, state: { offset: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buffer[state.offset++]!;
    result += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return result;
    shift += 7;
  }
}

function decode(buffer: Buffer, schema: Schema): KubeObject {
  const out: KubeObject = {};
  const state = { offset: 0 };
  while (state.offset < buffer.length) {
    const tag = readVarint(buffer, state);
    const wire = tag & 7;
    let value: number | Buffer;
    if (wire === 0) value = readVarint(buffer, state);
    else if (wire === 2) {
      const length = readVarint(buffer, state);
      value = buffer.subarray(state.offset, state.offset + length);
      state.offset += length;
    } else if (wire === 1) value = buffer.subarray(state.offset, (state.offset += 8));
    else if (wire === 5) value = buffer.subarray(state.offset, (state.offset += 4));
    else throw new ApiError(400, 'BadRequest', 'malformed protobuf body');
    const field = schema[Math.floor(tag / 8)];
    if (!field) continue;
    const [name, kind] = field;
    if (kind === 'string') out[name] = (value as Buffer).toString('utf8');
    else if (kind === 'bytes') out[name] = value;
    else if (kind === 'bool') out[name] = value !== 0;
    else if (kind === 'int') out[name] = value;
    else if (kind === 'strings') (out[name] ??= []).push((value as Buffer).toString('utf8'));
    else if (kind === 'stringMap' || kind === 'bytesMap') {
      const entry = decode(value as Buffer, MAP_ENTRY(kind === 'stringMap' ? 'string' : 'bytes'));
      (out[name] ??= {})[entry.key ?? ''] =
        kind === 'stringMap'
          ? (entry.value ?? '')
          : ((entry.value as Buffer | undefined) ?? Buffer.alloc(0)).toString('base64');
    } else if (kind.repeated) (out[name] ??= []).push(decode(value as Buffer, kind.message));
    else out[name] = decode(value as Buffer, kind.message);
  }
  return out;
}

export const isProtobuf = (contentType: string | undefined) =>
  /application\/vnd\.kubernetes\.protobuf/.test(contentType ?? '');

export function decodeProtobufObject(body: Buffer): KubeObject {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0')
    throw new ApiError(400, 'BadRequest', 'protobuf body without the k8s envelope');
  const unknown = decode(body.subarray(4), UNKNOWN);
  const kind = unknown.typeMeta?.kind as string | undefined;
  const schema = kind ? SCHEMAS[kind] : undefined;
  if (!schema)
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the stand-in decodes protobuf only for ${Object.keys(SCHEMAS).join(', ')} (got ${kind ?? 'nothing'}); send JSON or YAML, e.g. with kubectl apply`,
    );
  return {
    apiVersion: unknown.typeMeta.apiVersion,
    kind,
    ...decode((unknown.raw as Buffer | undefined) ?? Buffer.alloc(0), schema),
  };
}
