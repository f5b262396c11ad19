import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectApi } from './api';
import { ApiError, badRequest } from './errors';
import { checkFields } from './field-validation';
import { containerLog } from './logs';
import { decodeProtobufObject, isProtobuf } from './protobuf';
import { fieldManagerOf, parseBody, patchKindOf, readBody, type ResourceRequest } from './request';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { groupVersion } from './resources';
import { toTable, wantsTable } from './table';
import type { StoredEvent } from './store';
import type { KubeObject } from './types';

export function sendJson(
  response: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  response.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/** Serves one resource request (list, watch, get, create, replace, patch, apply, delete, log, scale). */
export async function handleResource(
  api: ObjectApi,
  target: ResourceRequest,
  request: IncomingMessage,
  response: ServerResponse,
  query: URLSearchParams,
): Promise<void> {
  const { type, namespace, name, subresource } = target;
  const method = request.method ?? 'GET';
  const contentType = request.headers['content-type'];
  const raw = method === 'GET' ? undefined : await readBody(request);
  // A typed client's protobuf DeleteOptions is ignored: the query carries what the stand-in honours.
  const body =
    raw === undefined || (method === 'DELETE' && isProtobuf(contentType))
      ? undefined
      : isProtobuf(contentType)
        ? decodeProtobufObject(raw)
        : parseBody(raw.toString('utf8'), contentType);
  const dryRun =
    query.getAll('dryRun').includes('All') ||
    ((body as KubeObject | undefined)?.dryRun ?? []).includes?.('All');
  const options = { dryRun, fieldManager: fieldManagerOf(query, request.headers['user-agent']), subresource };
  const table = wantsTable(request.headers.accept);
  if (body !== undefined && method !== 'DELETE' && patchKindOf(contentType) !== 'json') {
    const warnings = checkFields(type.kind, body, query.get('fieldValidation'));
    if (warnings.length > 0)
      response.setHeader(
        'Warning',
        warnings.map((warning) => `299 - ${JSON.stringify(warning)}`),
      );
  }

  if (subresource && !(type.subresources ?? []).includes(subresource))
    throw new ApiError(404, 'NotFound', `the server could not find the requested resource`);
  if (!name) {
    const matches = (object: KubeObject) =>
      parseLabelSelector(query.get('labelSelector'))(object) &&
      parseFieldSelector(query.get('fieldSelector'))(object);
    if (method === 'GET' && ['true', '1'].includes(query.get('watch') ?? ''))
      return watch(api, target, query, matches, table, request, response);
    if (method === 'GET') {
      const items = api.store.list(type, namespace).filter(matches);
      const resourceVersion = api.store.resourceVersion;
      if (table) return sendJson(response, 200, toTable(type.kind, items, resourceVersion));
      return sendJson(response, 200, {
        kind: `${type.kind}List`,
        apiVersion: groupVersion(type),
        metadata: { resourceVersion },
        items,
      });
    }
    if (method === 'POST')
      return sendJson(response, 201, api.create(type, namespace, body as KubeObject, options));
    if (method === 'DELETE') {
      const items = api.store.list(type, namespace).filter(matches);
      for (const item of items) api.delete(type, namespace, item.metadata.name, { dryRun, orphan: false });
      return sendJson(response, 200, {
        kind: `${type.kind}List`,
        apiVersion: groupVersion(type),
        metadata: {},
        items,
      });
    }
    throw new ApiError(405, 'MethodNotAllowed', `method ${method} is not supported on a collection`);
  }

  if (subresource === 'log') {
    const log = containerLog(api.store.mustGet(type, namespace, name), query);
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    return void response.end(log);
  }
  if (subresource === 'scale')
    return scale(api, target as Required<ResourceRequest>, method, body, options, response);

  switch (method) {
    case 'GET': {
      const object = api.store.mustGet(type, namespace, name);
      return sendJson(
        response,
        200,
        table ? toTable(type.kind, [object], object.metadata.resourceVersion) : object,
      );
    }
    case 'PUT':
      return sendJson(response, 200, api.replace(type, namespace, name, body as KubeObject, options));
    case 'PATCH': {
      const kind = patchKindOf(contentType);
      if (!kind)
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format: ${contentType}`,
        );
      const existed = api.store.get(type, namespace, name) !== undefined;
      const force = query.get('force') === 'true';
      if (kind !== 'apply' && query.has('force')) throw badRequest('force is only allowed for apply patches');
      const result = api.patch(type, namespace, name, kind, body, { ...options, force });
      return sendJson(response, existed ? 200 : 201, result);
    }
    case 'DELETE': {
      const policy = query.get('propagationPolicy') ?? (body as KubeObject | undefined)?.propagationPolicy;
      const deleted = api.delete(type, namespace, name, { dryRun, orphan: policy === 'Orphan' });
      return sendJson(response, 200, deleted);
    }
    default:
      throw new ApiError(405, 'MethodNotAllowed', `method ${method} is not supported`);
  }
}

function watch(
  api: ObjectApi,
  { type, namespace }: ResourceRequest,
  query: URLSearchParams,
  matches: (object: KubeObject) => boolean,
  table: boolean,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const from = query.get('resourceVersion');
  const selected = (object: KubeObject | undefined) =>
    object !== undefined &&
    (namespace === undefined || object.metadata?.namespace === namespace) &&
    matches(object);
  const send = (eventType: string, object: KubeObject) => {
    const payload = table ? toTable(type.kind, [object], object.metadata.resourceVersion) : object;
    response.write(`${JSON.stringify({ type: eventType, object: payload })}\n`);
  };
  // As the API server does, an object that starts or stops matching the selectors is reported as
  // added or deleted.
  const forward = ({ type: eventType, object, previous }: StoredEvent) => {
    const now = selected(object);
    const before = eventType === 'MODIFIED' ? selected(previous) : now;
    if (eventType === 'MODIFIED' && now !== before) send(now ? 'ADDED' : 'DELETED', object);
    else if (now) send(eventType, object);
  };
  response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  response.flushHeaders();
  // Without a resourceVersion the watch starts with the current state, as synthetic ADDED events;
  // the snapshot and the subscription happen in one turn, so no change falls between them.
  if (!from || from === '0')
    for (const object of api.store.list(type, namespace)) if (selected(object)) send('ADDED', object);
  const start = from && from !== '0' ? Number(from) : Number(api.store.resourceVersion);
  const unsubscribe = api.store.watch(type, start, forward);
  const timeout = Number(query.get('timeoutSeconds') ?? 0);
  const timer = timeout > 0 ? setTimeout(() => response.end(), timeout * 1000) : undefined;
  const stop = () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
  request.on('close', stop);
  response.on('close', stop);
}

function scale(
  api: ObjectApi,
  { type, namespace, name }: Required<ResourceRequest>,
  method: string,
  body: unknown,
  options: { dryRun: boolean; fieldManager: string },
  response: ServerResponse,
): void {
  const object = api.store.mustGet(type, namespace, name);
  const asScale = (o: KubeObject) => ({
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0 },
  });
  if (method === 'GET') return sendJson(response, 200, asScale(object));
  const replicas = (body as KubeObject | undefined)?.spec?.replicas;
  if (typeof replicas !== 'number' || replicas < 0)
    throw badRequest('spec.replicas must be a non-negative integer');
  const updated = api.patch(
    type,
    namespace,
    name,
    'merge',
    { spec: { replicas } },
    { ...options, force: false },
  );
  sendJson(response, 200, asScale(updated));
}
