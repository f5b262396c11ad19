import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigurationError } from '@alt-las/action-kit';
import { RELEASE_MANIFEST_SCHEMA_VERSION, releaseManifestSchema } from './release-manifest-schema';

export type TestResult = 'passed' | 'failed' | 'skipped';
export type SeverityCounts = Partial<Record<'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN', number>>;

export interface ReleaseInfo {
  version: string;
  prerelease?: boolean;
  tags: string[];
  ref?: string;
  sha?: string;
  repository?: string;
  registry?: string;
  namespace?: string;
  runUrl?: string;
  createdAt?: string;
  dryRun?: boolean;
}

export interface ServiceRelease {
  name: string;
  context?: string;
  /** Repository without tag or digest: `ghcr.io/owner/alt-las-api-gateway`. */
  image: string;
  workload?: { kind: string; name: string; container: string };
  port?: number;
  healthPath?: string;
  test?: { result: TestResult; durationMs?: number; detail?: string };
  build?: {
    archive: string;
    digest: string;
    size?: number;
    layers?: number;
    builder?: string;
    durationMs?: number;
    builtAt?: string;
  };
  scan?: {
    verdict: 'pass' | 'fail' | 'error';
    digest?: string;
    counts?: SeverityCounts;
    blocking?: number;
    ignored?: number;
    report?: string;
    sarif?: string;
    scanner?: string;
    scannedAt?: string;
  };
  publish?: {
    digest: string;
    repository?: string;
    refs: string[];
    bytesUploaded?: number;
    bytesSkipped?: number;
    pushedAt?: string;
  };
  deploy?: {
    result: 'deployed' | 'unchanged' | 'rolled-back' | 'failed' | 'planned';
    namespace?: string;
    workload?: string;
    image?: string;
    revisionBefore?: string | null;
    revisionAfter?: string | null;
    deployedAt?: string;
  };
}

export interface ReleaseManifest {
  schemaVersion: typeof RELEASE_MANIFEST_SCHEMA_VERSION;
  release: ReleaseInfo;
  services: ServiceRelease[];
}

// Compiled on first use: schema compilation would otherwise cost every action start-up, even a failing one.
let compiled: ValidateFunction | undefined;
const validateSchema = (value: unknown): ValidateFunction => {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(releaseManifestSchema);
  compiled(value);
  return compiled;
};

function describe(error: ErrorObject, manifest: unknown): string {
  const match = /^\/services\/(\d+)(.*)$/.exec(error.instancePath);
  const services = (manifest as { services?: { name?: unknown }[] })?.services;
  const where = match
    ? `service "${String(services?.[Number(match[1])]?.name ?? `#${match[1]}`)}"${match[2] ? ` at ${match[2]}` : ''}`
    : error.instancePath || 'top level';
  const extra =
    error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  return `${where}: ${error.message}${extra}`;
}

/** Validates a parsed manifest; `source` names the file or input in the error. */
export function validateReleaseManifest(value: unknown, source: string): ReleaseManifest {
  const version = (value as { schemaVersion?: unknown })?.schemaVersion;
  if (value && typeof value === 'object' && version !== RELEASE_MANIFEST_SCHEMA_VERSION) {
    throw new ConfigurationError(
      `${source}: release manifest schemaVersion ${JSON.stringify(version)} is not supported; this version of the suite reads ${RELEASE_MANIFEST_SCHEMA_VERSION}`,
      'release-manifest',
    );
  }
  const validator = validateSchema(value);
  if (validator.errors) {
    const problems = validator.errors.slice(0, 5).map((error) => describe(error, value));
    throw new ConfigurationError(
      `${source}: invalid release manifest: ${problems.join('; ')}`,
      'release-manifest',
    );
  }
  const manifest = value as unknown as ReleaseManifest;
  const seen = new Set<string>();
  for (const service of manifest.services) {
    if (seen.has(service.name))
      throw new ConfigurationError(`${source}: duplicate service "${service.name}"`, 'release-manifest');
    seen.add(service.name);
  }
  return manifest;
}

export function parseReleaseManifest(text: string, source: string): ReleaseManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(
      `${source}: release manifest is not valid JSON (${(error as Error).message})`,
      'release-manifest',
    );
  }
  return validateReleaseManifest(value, source);
}

export function readReleaseManifest(file: string): ReleaseManifest {
  if (!fs.existsSync(file))
    throw new ConfigurationError(`release manifest ${file} does not exist`, 'release-manifest');
  return parseReleaseManifest(fs.readFileSync(file, 'utf8'), file);
}

/** Validates before writing, so no action ever hands the next one a manifest it would reject. */
export function writeReleaseManifest(file: string, manifest: ReleaseManifest): void {
  validateReleaseManifest(manifest, file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

export function createReleaseManifest(
  release: ReleaseInfo,
  services: ServiceRelease[] = [],
): ReleaseManifest {
  return { schemaVersion: RELEASE_MANIFEST_SCHEMA_VERSION, release, services };
}

/** Returns a copy with one service's entry replaced by `update(entry)`. */
export function updateService(
  manifest: ReleaseManifest,
  name: string,
  update: (service: ServiceRelease) => ServiceRelease,
): ReleaseManifest {
  if (!manifest.services.some((service) => service.name === name)) {
    throw new ConfigurationError(`release manifest has no service "${name}"`, 'release-manifest');
  }
  return {
    ...manifest,
    services: manifest.services.map((service) => (service.name === name ? update(service) : service)),
  };
}
