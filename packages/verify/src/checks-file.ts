import * as fs from 'node:fs';
import { isMap, isScalar, isSeq, YAMLMap, type Node } from 'yaml';
import { ConfigurationError } from '@alt-las/action-kit';
import { parseJsonPath } from './json-path';
import type { JsonAssertion } from './assertions';
import {
  defaultChecksPlan,
  defaultCluster,
  defaultHealth,
  defaultLoad,
  defaultSecurity,
  type ChecksPlan,
  type ClusterExpectations,
  type HealthSettings,
  type LoadProfile,
  type RequestSpec,
  type SecurityExpectations,
  type SmokeRequest,
} from './checks-plan';
import { YamlFields } from './yaml-fields';

const TOP = ['health', 'smoke', 'load', 'security', 'cluster'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export function loadChecksFile(file: string): ChecksPlan {
  if (!fs.existsSync(file))
    throw new ConfigurationError(`input "checks-file": ${file} does not exist`, 'checks-file');
  return parseChecksFile(fs.readFileSync(file, 'utf8'), file);
}

export function parseChecksFile(text: string, file: string): ChecksPlan {
  const y = new YamlFields(text, file, 'checks-file');
  if (y.root === null) return { ...defaultChecksPlan(), source: file };
  const root = y.map(y.root, 'the checks file', TOP);
  const section = <T>(key: string, parse: (node: Node) => T, fallback: () => T): T | false => {
    const node = y.child(root, key);
    if (node === undefined || (isScalar(node) && node.value === null)) return fallback();
    if (isScalar(node) && node.value === false) return false;
    return parse(node);
  };
  return {
    source: file,
    health: section('health', (node) => parseHealth(y, node), defaultHealth),
    smoke: section(
      'smoke',
      (node) => y.list(node, 'smoke').map((item) => parseSmoke(y, item)),
      () => [],
    ),
    load: section('load', (node) => parseLoad(y, node), defaultLoad),
    security: section('security', (node) => parseSecurity(y, node), defaultSecurity),
    cluster: section('cluster', (node) => parseCluster(y, node), defaultCluster),
  };
}

function parseHealth(y: YamlFields, node: Node): HealthSettings {
  // `health:` may be the endpoint list itself when the defaults for stability are fine.
  const map = isSeq(node)
    ? new YAMLMap<unknown, unknown>()
    : y.map(node, 'health', ['endpoints', 'stable-checks', 'stable-interval']);
  const endpointNodes = isSeq(node)
    ? y.list(node, 'health')
    : y.list(y.child(map, 'endpoints') ?? node, 'health.endpoints');
  const endpoints = endpointNodes.map((item, index) => {
    const what = `health.endpoints[${index}]`;
    const endpoint = y.map(item, what, ['service', 'url', 'expect-status']);
    return {
      service: y.string(endpoint, 'service', what),
      url: location(y, endpoint, 'url', what),
      expectStatus: y.integers(endpoint, 'expect-status', what, 100, 599) ?? [200],
    };
  });
  if (endpoints.length === 0) throw y.error(node, 'health.endpoints must list at least one endpoint');
  const services = new Set<string>();
  for (const [index, endpoint] of endpoints.entries()) {
    if (services.has(endpoint.service))
      throw y.error(endpointNodes[index], `health: duplicate service "${endpoint.service}"`);
    services.add(endpoint.service);
  }
  return {
    endpoints,
    stableChecks: y.number(map, 'stable-checks', 'health', { min: 0, max: 20, integer: true }) ?? 2,
    stableIntervalMs: y.duration(map, 'stable-interval', 'health') ?? 1000,
  };
}

function parseRequest(
  y: YamlFields,
  map: YAMLMap<unknown, unknown>,
  what: string,
  defaultPath?: string,
): RequestSpec {
  const methodNode = y.child(map, 'method');
  const method = y.string(map, 'method', what, 'GET').toUpperCase();
  if (!METHODS.includes(method))
    throw y.error(methodNode, `${what}: "method" must be one of ${METHODS.join(', ')}`);
  const bodyNode = y.child(map, 'body');
  let body: string | undefined;
  const headers = y.stringMap(map, 'headers', what);
  if (bodyNode !== undefined) {
    const value = bodyNode.toJSON() as unknown;
    if (typeof value === 'string') body = value;
    else {
      // A structured body is sent as JSON, which is what the ALT_LAS APIs speak.
      body = JSON.stringify(value);
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
    }
  }
  return { method, path: location(y, map, 'path', what, defaultPath), headers, body };
}

function parseSmoke(y: YamlFields, node: Node): SmokeRequest {
  const probe = isMap(node) ? (node.get('name') as unknown) : undefined;
  const what = `smoke request ${typeof probe === 'string' ? `"${probe}"` : ''}`.trim();
  const map = y.map(node, what, ['name', 'service', 'method', 'path', 'headers', 'body', 'expect']);
  const request = parseRequest(y, map, what);
  const expectNode = y.child(map, 'expect');
  const expect = expectNode
    ? y.map(expectNode, `${what}: expect`, ['status', 'json', 'max-latency'])
    : undefined;
  const jsonNode = expect ? y.child(expect, 'json') : undefined;
  const json = jsonNode
    ? y.list(jsonNode, `${what}: expect.json`).map((item) => parseAssertion(y, item, what))
    : [];
  const service = y.child(map, 'service') ? y.string(map, 'service', what) : undefined;
  return {
    ...request,
    name: y.string(map, 'name', what, `${request.method} ${request.path}`),
    service,
    expectStatus: (expect && y.integers(expect, 'status', `${what}: expect`, 100, 599)) || [200],
    json,
    maxLatencyMs: expect ? y.duration(expect, 'max-latency', `${what}: expect`) : undefined,
  };
}

function parseAssertion(y: YamlFields, node: Node, what: string): JsonAssertion {
  const map = y.map(node, `${what}: expect.json entry`, ['path', 'equals', 'exists', 'matches', 'type']);
  const pathText = y.string(map, 'path', `${what}: expect.json entry`);
  try {
    parseJsonPath(pathText);
  } catch (error) {
    throw y.error(y.child(map, 'path'), `${what}: ${(error as Error).message}`);
  }
  const assertion: JsonAssertion = { path: pathText };
  const equalsNode = y.child(map, 'equals');
  if (equalsNode !== undefined) assertion.equals = equalsNode.toJSON() as unknown;
  const exists = y.boolean(map, 'exists', `${what}: expect.json "${pathText}"`);
  if (exists !== undefined) assertion.exists = exists;
  if (y.child(map, 'matches')) {
    const pattern = y.string(map, 'matches', `${what}: expect.json "${pathText}"`);
    try {
      new RegExp(pattern);
    } catch {
      throw y.error(y.child(map, 'matches'), `${what}: "matches" is not a valid regular expression`);
    }
    assertion.matches = pattern;
  }
  if (y.child(map, 'type')) {
    const type = y.string(map, 'type', `${what}: expect.json "${pathText}"`);
    const types = ['string', 'number', 'boolean', 'object', 'array', 'null'];
    if (!types.includes(type))
      throw y.error(y.child(map, 'type'), `${what}: "type" must be one of ${types.join(', ')}`);
    assertion.type = type as JsonAssertion['type'];
  }
  if (Object.keys(assertion).length === 1) assertion.exists = true;
  return assertion;
}

function parseLoad(y: YamlFields, node: Node): LoadProfile {
  const map = y.map(node, 'load', ['method', 'path', 'headers', 'body', 'rate', 'timeout']);
  return {
    ...parseRequest(y, map, 'load', '/health'),
    rate: y.number(map, 'rate', 'load', { min: 1 }),
    timeoutMs: y.duration(map, 'timeout', 'load') ?? 10_000,
  };
}

function parseSecurity(y: YamlFields, node: Node): SecurityExpectations {
  const map = y.map(node, 'security', [
    'path',
    'tls',
    'https-redirect',
    'hsts-min-age',
    'headers',
    'server-version-leak',
  ]);
  const defaults = defaultSecurity();
  const redirectNode = y.child(map, 'https-redirect');
  let httpsRedirect: string | false | undefined;
  if (redirectNode !== undefined) {
    const value = isScalar(redirectNode) ? redirectNode.value : undefined;
    if (value === false) httpsRedirect = false;
    else if (typeof value === 'string' && /^http:\/\/[^/]+/.test(value)) httpsRedirect = value;
    else throw y.error(redirectNode, 'security: "https-redirect" must be an http:// URL or false');
  }
  const headersNode = y.child(map, 'headers');
  const headers = headersNode
    ? y.list(headersNode, 'security.headers').map((item) => {
        const value = isScalar(item) ? item.value : undefined;
        if (typeof value !== 'string' || !/^[A-Za-z0-9-]+$/.test(value))
          throw y.error(item, 'security.headers entries must be header names');
        return value.toLowerCase();
      })
    : defaults.headers;
  return {
    path: location(y, map, 'path', 'security', defaults.path),
    tls: y.boolean(map, 'tls', 'security') ?? defaults.tls,
    httpsRedirect,
    hstsMinAgeSeconds:
      y.number(map, 'hsts-min-age', 'security', { min: 0, integer: true }) ?? defaults.hstsMinAgeSeconds,
    headers,
    serverVersionLeak: y.boolean(map, 'server-version-leak', 'security') ?? defaults.serverVersionLeak,
  };
}

function parseCluster(y: YamlFields, node: Node): ClusterExpectations {
  const map = y.map(node, 'cluster', ['default-deny', 'network-policies', 'non-root']);
  const defaults = defaultCluster();
  return {
    defaultDeny: y.boolean(map, 'default-deny', 'cluster') ?? defaults.defaultDeny,
    networkPolicies: y.boolean(map, 'network-policies', 'cluster') ?? defaults.networkPolicies,
    nonRoot: y.boolean(map, 'non-root', 'cluster') ?? defaults.nonRoot,
  };
}

/** A path starting with `/` or an absolute http(s) URL. */
function location(
  y: YamlFields,
  map: YAMLMap<unknown, unknown>,
  key: string,
  what: string,
  fallback?: string,
): string {
  const value = y.string(map, key, what, fallback);
  if (value.startsWith('/')) return value;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw y.error(
    y.child(map, key),
    `${what}: "${key}" must be a path starting with / or an http(s) URL, got "${value}"`,
  );
}
