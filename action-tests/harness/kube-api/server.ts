import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ObjectApi } from './api';
import {
  AGGREGATED_DISCOVERY,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreVersions,
  versionInfo,
  wantsAggregatedDiscovery,
} from './discovery';
import { ApiError } from './errors';
import { kubeconfigFor, writeKubeconfigFile } from './kubeconfig';
import { openApiDocument } from './openapi';
import { parseResourcePath } from './request';
import { RESOURCE_TYPES } from './resources';
import { handleResource, sendJson } from './router';
import { ObjectStore } from './store';
import { Controller } from './controller';
import type { KubeApi, KubeApiOptions, KubeObject, RecordedRequest, ScenarioChooser } from './types';

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Starts the Kubernetes API stand-in on 127.0.0.1 (ephemeral port). Stop it with `stop()`. */
export async function startKubeApi(options: KubeApiOptions = {}): Promise<KubeApi> {
  const store = new ObjectStore();
  const api = new ObjectApi(store);
  const requests: RecordedRequest[] = [];
  let chooser: ScenarioChooser = options.scenario ?? (() => 'success');
  const controller = new Controller(api, { stepMs: options.stepMs ?? 100, scenario: (w) => chooser(w) });
  seed(api);

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push({
      method: request.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      ...(request.headers['content-type'] ? { contentType: request.headers['content-type'] } : {}),
    });
    route(api, request, response, url, address()).catch((error: unknown) => {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(500, 'InternalError', `internal error: ${(error as Error).message}`);
      if (!response.headersSent) sendJson(response, apiError.code, apiError.toStatus());
      else response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = () => `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${address()}`;
  controller.start();

  return {
    url,
    requests,
    kubeconfig: () => kubeconfigFor(url),
    writeKubeconfig: (dir) => writeKubeconfigFile(dir, url),
    objects: (kind?: string, namespace?: string) =>
      store
        .all()
        .map((entry) => entry.object)
        .filter(
          (object: KubeObject) =>
            (kind === undefined || object.kind === kind) &&
            (namespace === undefined || object.metadata.namespace === namespace),
        ),
    setScenario: (fn) => {
      chooser = fn;
    },
    stop: async () => {
      controller.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function seed(api: ObjectApi): void {
  const namespaceType = RESOURCE_TYPES.find((t) => t.kind === 'Namespace')!;
  const nodeType = RESOURCE_TYPES.find((t) => t.kind === 'Node')!;
  const system = { dryRun: false, fieldManager: 'kube-apiserver' };
  for (const name of SYSTEM_NAMESPACES) api.create(namespaceType, undefined, { metadata: { name } }, system);
  api.store.create(nodeType, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'standin-node',
      labels: { 'kubernetes.io/hostname': 'standin-node', 'kubernetes.io/os': 'linux' },
    },
    spec: {},
    status: {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      nodeInfo: {
        kubeletVersion: 'v1.32.0',
        osImage: 'stand-in',
        architecture: 'amd64',
        operatingSystem: 'linux',
      },
    },
  });
}

async function route(
  api: ObjectApi,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  url: URL,
  address: string,
): Promise<void> {
  const segments = url.pathname.split('/').filter(Boolean);
  const path = segments.join('/');
  if (['healthz', 'readyz', 'livez'].includes(path)) {
    response.writeHead(200, { 'Content-Type': 'text/plain' });
    return void response.end('ok');
  }
  if (path === 'version') return sendJson(response, 200, versionInfo());
  if ((path === 'api' || path === 'apis') && wantsAggregatedDiscovery(request.headers.accept))
    return sendJson(response, 200, aggregatedDiscovery(path === 'api'), AGGREGATED_DISCOVERY);
  if (path === 'api') return sendJson(response, 200, coreVersions(address));
  if (path === 'apis') return sendJson(response, 200, apiGroupList());
  if (path === 'openapi/v2') {
    // An empty protobuf message is an empty OpenAPI v2 document: no schemas to validate against.
    response.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
    return void response.end();
  }
  if (segments[0] === 'openapi') {
    const document = openApiDocument(segments.slice(1));
    if (document) return sendJson(response, 200, document);
  }
  if (path === 'api/v1') return sendJson(response, 200, apiResourceList('', 'v1'));
  if (segments[0] === 'apis' && segments.length === 2) {
    const group = apiGroup(segments[1]!);
    if (group) return sendJson(response, 200, group);
  }
  if (segments[0] === 'apis' && segments.length === 3) {
    const list = apiResourceList(segments[1]!, segments[2]!);
    if (list) return sendJson(response, 200, list);
  }
  const target = parseResourcePath(segments);
  if (target) return handleResource(api, target, request, response, url.searchParams);
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}
