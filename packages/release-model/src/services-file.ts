import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigurationError } from '@alt-las/action-kit';

export interface ServiceTest {
  /** Shell command run in the service's context before the image is built. */
  command?: string;
  /** Dockerfile stage whose build runs the tests. */
  stage?: string;
}

export interface ServiceWorkload {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  container: string;
}

export interface ServiceDefinition {
  name: string;
  /** Build context, relative to the services file's directory. */
  context: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  /** Image name under the registry namespace (`alt-las-api-gateway`). */
  image: string;
  test?: ServiceTest;
  workload: ServiceWorkload;
  port: number;
  healthPath: string;
  buildArgs: Record<string, string>;
}

export interface ServicesFile {
  /** Absolute path of the file. */
  file: string;
  /** Directory that contexts are relative to. */
  root: string;
  services: ServiceDefinition[];
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVICE_KEYS = [
  'name',
  'context',
  'dockerfile',
  'image',
  'test',
  'workload',
  'port',
  'health',
  'build-args',
];

class Located {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  error(node: Node | null | undefined, message: string): ConfigurationError {
    const offset = node?.range?.[0];
    const where = offset !== undefined ? `:${this.lines.linePos(offset).line}` : '';
    return new ConfigurationError(`${this.file}${where}: ${message}`, 'services-file');
  }
}

/**
 * Loads and validates the services file. Errors carry `file:line` so they point where to fix;
 * every service is checked, including that its context and Dockerfile exist.
 */
export function loadServicesFile(file: string): ServicesFile {
  if (!fs.existsSync(file)) {
    throw new ConfigurationError(`services file ${file} does not exist`, 'services-file');
  }
  return parseServicesFile(fs.readFileSync(file, 'utf8'), path.resolve(file), { checkPaths: true });
}

export function parseServicesFile(
  text: string,
  file: string,
  options: { checkPaths?: boolean } = {},
): ServicesFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = new Located(file, lines);
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = lines.linePos(first.pos[0]).line;
    throw new ConfigurationError(
      `${file}${line ? `:${line}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`,
      'services-file',
    );
  }
  const rootNode = doc.contents;
  if (!isMap(rootNode)) throw at.error(rootNode, 'expected a mapping with `version: 1` and `services:`');
  const version = (rootNode.toJSON() as { version?: unknown }).version;
  if (version !== 1)
    throw at.error(
      rootNode.get('version', true) as Node,
      `unsupported version ${JSON.stringify(version)}; expected 1`,
    );
  const servicesNode = rootNode.get('services', true);
  if (!isSeq(servicesNode) || servicesNode.items.length === 0) {
    throw at.error((servicesNode as Node) ?? rootNode, '`services` must be a non-empty list');
  }
  const root = path.dirname(file);
  const seen = new Map<string, number>();
  const services = servicesNode.items.map((item) => {
    const service = parseService(item as Node, at);
    if (seen.has(service.name)) throw at.error(item as Node, `duplicate service "${service.name}"`);
    seen.set(service.name, 1);
    if (options.checkPaths) checkPaths(service, root, at, item as Node);
    return service;
  });
  return { file, root, services };
}

function parseService(node: Node, at: Located): ServiceDefinition {
  if (!isMap(node)) throw at.error(node, 'each service must be a mapping');
  for (const pair of node.items) {
    const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
    if (!SERVICE_KEYS.includes(key)) {
      throw at.error(pair.key as Node, `unknown field "${key}"; expected one of ${SERVICE_KEYS.join(', ')}`);
    }
  }
  const field = (key: string) => node.get(key, true) as Node | undefined;
  const str = (key: string, fallback?: string): string => {
    const value = node.get(key);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string' || value.trim() === '')
      throw at.error(field(key) ?? node, `"${key}" must be a non-empty string`);
    return value;
  };
  const name = str('name');
  if (!NAME.test(name))
    throw at.error(
      field('name'),
      `service name "${name}" must be a DNS label (lower-case letters, digits, -)`,
    );
  const port = node.get('port');
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw at.error(field('port') ?? node, `service "${name}": "port" must be an integer 1-65535`);
  }
  const health = str('health', '/health');
  if (!health.startsWith('/'))
    throw at.error(field('health'), `service "${name}": "health" must be a path starting with /`);
  return {
    name,
    context: str('context'),
    dockerfile: str('dockerfile', 'Dockerfile'),
    image: str('image', `alt-las-${name}`),
    test: parseTest(field('test'), name, at),
    workload: parseWorkload(field('workload'), name, at),
    port,
    healthPath: health,
    buildArgs: parseStringMap(field('build-args'), `service "${name}": "build-args"`, at),
  };
}

function parseTest(node: Node | undefined, service: string, at: Located): ServiceTest | undefined {
  if (node === undefined) return undefined;
  const value = node.toJSON() as unknown;
  if (typeof value === 'string') return { command: value };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const { command, stage, ...rest } = value as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0)
      throw at.error(
        node,
        `service "${service}": unknown test field "${unknown[0]}"; expected command or stage`,
      );
    if ((command === undefined) === (stage === undefined)) {
      throw at.error(node, `service "${service}": "test" needs exactly one of command or stage`);
    }
    if (command !== undefined && typeof command !== 'string')
      throw at.error(node, `service "${service}": test.command must be a string`);
    if (stage !== undefined && typeof stage !== 'string')
      throw at.error(node, `service "${service}": test.stage must be a string`);
    return { command: command as string | undefined, stage: stage as string | undefined };
  }
  throw at.error(node, `service "${service}": "test" must be a command string or {command} / {stage}`);
}

function parseWorkload(node: Node | undefined, service: string, at: Located): ServiceWorkload {
  if (node === undefined) return { kind: 'Deployment', name: service, container: service };
  const value = node.toJSON() as Record<string, unknown>;
  if (!value || typeof value !== 'object')
    throw at.error(node, `service "${service}": "workload" must be a mapping`);
  const kind = value.kind ?? 'Deployment';
  if (kind !== 'Deployment' && kind !== 'StatefulSet' && kind !== 'DaemonSet') {
    throw at.error(node, `service "${service}": workload.kind must be Deployment, StatefulSet or DaemonSet`);
  }
  const name = value.name ?? service;
  const container = value.container ?? name;
  if (typeof name !== 'string' || typeof container !== 'string') {
    throw at.error(node, `service "${service}": workload.name and workload.container must be strings`);
  }
  return { kind, name, container };
}

function parseStringMap(node: Node | undefined, what: string, at: Located): Record<string, string> {
  if (node === undefined) return {};
  const value = node.toJSON() as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw at.error(node, `${what} must be a mapping`);
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, String(entry)]));
}

function checkPaths(service: ServiceDefinition, root: string, at: Located, node: Node): void {
  const context = path.resolve(root, service.context);
  if (!fs.existsSync(context) || !fs.statSync(context).isDirectory()) {
    throw at.error(node, `service "${service.name}": context ${service.context} is not a directory`);
  }
  if (!fs.existsSync(path.resolve(context, service.dockerfile))) {
    throw at.error(
      node,
      `service "${service.name}": Dockerfile ${path.join(service.context, service.dockerfile)} does not exist`,
    );
  }
}

/** Picks the requested subset, in file order; an unknown name is an error listing the known ones. */
export function selectServices(all: ServiceDefinition[], names: string[]): ServiceDefinition[] {
  if (names.length === 0) return all;
  const known = new Set(all.map((service) => service.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `input "services": unknown service ${unknown.map((name) => `"${name}"`).join(', ')}; the services file names ${[...known].join(', ')}`,
      'services',
    );
  }
  return all.filter((service) => names.includes(service.name));
}
