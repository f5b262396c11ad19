/**
 * JSON Schema (draft-07) of the release manifest, version 1. Sections are strict (unknown fields are
 * errors) so a typo in a hand-edited or foreign manifest is caught on read, not deep in a deploy.
 */
const digest = { type: 'string', pattern: '^sha256:[a-f0-9]{64}$' } as const;
const severityCounts = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'].map((s) => [s, { type: 'integer', minimum: 0 }]),
  ),
} as const;

export const RELEASE_MANIFEST_SCHEMA_VERSION = 1;

export const releaseManifestSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://alt-las.dev/schemas/release-manifest.v1.json',
  type: 'object',
  additionalProperties: false,
  required: ['schemaVersion', 'release', 'services'],
  properties: {
    schemaVersion: { const: RELEASE_MANIFEST_SCHEMA_VERSION },
    release: {
      type: 'object',
      additionalProperties: false,
      required: ['version', 'tags'],
      properties: {
        version: { type: 'string', minLength: 1 },
        prerelease: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        ref: { type: 'string' },
        sha: { type: 'string' },
        repository: { type: 'string' },
        registry: { type: 'string' },
        namespace: { type: 'string' },
        runUrl: { type: 'string' },
        createdAt: { type: 'string' },
        dryRun: { type: 'boolean' },
      },
    },
    services: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'image'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' },
          context: { type: 'string' },
          image: { type: 'string', minLength: 1 },
          workload: {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'name', 'container'],
            properties: { kind: { type: 'string' }, name: { type: 'string' }, container: { type: 'string' } },
          },
          port: { type: 'integer' },
          healthPath: { type: 'string' },
          test: {
            type: 'object',
            additionalProperties: false,
            required: ['result'],
            properties: {
              result: { enum: ['passed', 'failed', 'skipped'] },
              durationMs: { type: 'number' },
              detail: { type: 'string' },
            },
          },
          build: {
            type: 'object',
            additionalProperties: false,
            required: ['archive', 'digest'],
            properties: {
              archive: { type: 'string' },
              digest,
              size: { type: 'integer', minimum: 0 },
              layers: { type: 'integer', minimum: 0 },
              builder: { type: 'string' },
              durationMs: { type: 'number' },
              builtAt: { type: 'string' },
            },
          },
          scan: {
            type: 'object',
            additionalProperties: false,
            required: ['verdict'],
            properties: {
              verdict: { enum: ['pass', 'fail', 'error'] },
              digest,
              counts: severityCounts,
              blocking: { type: 'integer', minimum: 0 },
              ignored: { type: 'integer', minimum: 0 },
              report: { type: 'string' },
              sarif: { type: 'string' },
              scanner: { type: 'string' },
              scannedAt: { type: 'string' },
            },
          },
          publish: {
            type: 'object',
            additionalProperties: false,
            required: ['digest', 'refs'],
            properties: {
              digest,
              repository: { type: 'string' },
              refs: { type: 'array', items: { type: 'string' } },
              bytesUploaded: { type: 'integer', minimum: 0 },
              bytesSkipped: { type: 'integer', minimum: 0 },
              pushedAt: { type: 'string' },
            },
          },
          deploy: {
            type: 'object',
            additionalProperties: false,
            required: ['result'],
            properties: {
              result: { enum: ['deployed', 'unchanged', 'rolled-back', 'failed', 'planned'] },
              namespace: { type: 'string' },
              workload: { type: 'string' },
              image: { type: 'string' },
              revisionBefore: { type: ['string', 'null'] },
              revisionAfter: { type: ['string', 'null'] },
              deployedAt: { type: 'string' },
            },
          },
        },
      },
    },
  },
} as const;
