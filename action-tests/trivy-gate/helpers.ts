import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { createReleaseManifest, writeReleaseManifest } from '@alt-las/release-model';

const require = createRequire(import.meta.url);

/**
 * A validator for the SARIF 2.1.0 JSON schema as published with the OASIS standard (shipped by
 * @microsoft/jest-sarif; it is a draft-04 schema, hence ajv-draft-04), with format checks.
 */
export function sarifValidator(): (value: unknown) => string[] {
  const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  // The schema's language pattern is not valid with the `u` flag Ajv uses by default.
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (value) =>
    validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

/** A small OCI image layout tar per service (the stand-in scanner only needs it to exist). */
export function writeArchive(file: string, name: string): string {
  const dir = fs.mkdtempSync(`${file}-layout-`);
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [], annotations: { name } }),
  );
  execFileSync('tar', ['-cf', file, '-C', dir, 'oci-layout', 'index.json']);
  fs.rmSync(dir, { recursive: true, force: true });
  return file;
}

/** A docker-archive tarball (`docker save`): manifest.json at the top, which Trivy opens as it is. */
export function writeDockerArchive(file: string): string {
  const dir = fs.mkdtempSync(`${file}-docker-`);
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify([{ Config: 'config.json', RepoTags: ['legacy:1'], Layers: [] }]),
  );
  fs.writeFileSync(path.join(dir, 'config.json'), '{}');
  execFileSync('tar', ['-cf', file, '-C', dir, 'manifest.json', 'config.json']);
  fs.rmSync(dir, { recursive: true, force: true });
  return file;
}

export const SERVICES = ['api-gateway', 'segmentation-service', 'ai-orchestrator', 'archive-service'];

const digestOf = (name: string) => `sha256:${Buffer.from(name.padEnd(32, '0')).toString('hex').slice(0, 64)}`;

/** A release manifest as build-services leaves it: every service built into an archive in `dir`. */
export function writeBuiltRelease(dir: string, services = SERVICES): string {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = createReleaseManifest(
    { version: '1.0.0', tags: ['1.0.0', '1.0', '1'], registry: 'ghcr.io', namespace: 'alt-las' },
    services.map((name) => ({
      name,
      image: `ghcr.io/alt-las/alt-las-${name}`,
      build: {
        archive: writeArchive(path.join(dir, `${name}.tar`), name),
        digest: digestOf(name),
        size: 1024,
        layers: 1,
      },
    })),
  );
  const file = path.join(dir, 'release-manifest.json');
  writeReleaseManifest(file, manifest);
  return file;
}
