import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createReleaseManifest,
  mergeReleaseManifests,
  parseReleaseManifest,
  readReleaseManifest,
  readReleaseManifestInput,
  updateService,
  writeReleaseManifest,
  type ReleaseManifest,
} from '@alt-las/release-model';
import { withTempDir } from '../harness/paths';

const digest = `sha256:${'a'.repeat(64)}`;
const release = { version: '1.0.0', tags: ['1.0.0', '1.0', '1'] };

function manifest(...services: ReleaseManifest['services']): ReleaseManifest {
  return createReleaseManifest(release, services);
}

describe('release manifest', () => {
  test('round-trips through a file', async () => {
    await withTempDir('manifest', async (dir) => {
      const file = path.join(dir, 'nested', 'release-manifest.json');
      const written = manifest({
        name: 'api',
        image: 'ghcr.io/o/api',
        build: { archive: '/tmp/api.tar', digest, size: 10, layers: 2 },
      });
      writeReleaseManifest(file, written);
      expect(readReleaseManifest(file)).toEqual(written);
    });
  });

  test.each([
    ['{"schemaVersion": 1,', /^m\.json: release manifest is not valid JSON/],
    [
      '{"schemaVersion": 7, "release": {}, "services": []}',
      /^m\.json: release manifest schemaVersion 7 is not supported; this version of the suite reads 1$/,
    ],
    [
      '{"schemaVersion": 1, "release": {"version": "1.0.0", "tags": []}, "services": [{"name": "api"}]}',
      /service "api": must have required property 'image'/,
    ],
    [
      JSON.stringify(manifest({ name: 'api', image: 'x', build: { archive: 'a', digest: 'sha256:short' } })),
      /service "api" at \/build\/digest: must match pattern/,
    ],
    [
      JSON.stringify({
        ...manifest({ name: 'api', image: 'x', scan: { verdict: 'pass', coutns: {} } as never }),
      }),
      /service "api" at \/scan: must NOT have additional properties \(coutns\)/,
    ],
    [
      JSON.stringify(manifest({ name: 'api', image: 'x' }, { name: 'api', image: 'y' })),
      /^m\.json: duplicate service "api"$/,
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parseReleaseManifest(text, 'm.json')).toThrow(message);
  });

  test('a missing file is a clear error', () => {
    expect(() => readReleaseManifest('/nonexistent/release-manifest.json')).toThrow(
      'release manifest /nonexistent/release-manifest.json does not exist',
    );
  });

  test('writing refuses an invalid manifest, so no action hands on one the next would reject', async () => {
    await withTempDir('manifest', async (dir) => {
      const file = path.join(dir, 'm.json');
      const bad = manifest({ name: 'Bad Name', image: 'x' });
      expect(() => writeReleaseManifest(file, bad)).toThrow('invalid release manifest');
      expect(fs.existsSync(file)).toBe(false);
    });
  });

  test('updateService replaces one entry and refuses an unknown one', () => {
    const base = manifest({ name: 'api', image: 'x' }, { name: 'web', image: 'y' });
    const updated = updateService(base, 'web', (s) => ({ ...s, test: { result: 'passed' } }));
    expect(updated.services[1]!.test).toEqual({ result: 'passed' });
    expect(base.services[1]!.test).toBeUndefined();
    expect(() => updateService(base, 'db', (s) => s)).toThrow('release manifest has no service "db"');
  });
});

describe('mergeReleaseManifests', () => {
  test('joins fragments from matrix legs and merges sections of the same service', () => {
    const merged = mergeReleaseManifests([
      {
        source: 'api.json',
        manifest: manifest({ name: 'api', image: 'x', build: { archive: 'a', digest } }),
      },
      { source: 'web.json', manifest: manifest({ name: 'web', image: 'y' }) },
      { source: 'api-scan.json', manifest: manifest({ name: 'api', image: 'x', scan: { verdict: 'pass' } }) },
    ]);
    expect(merged.services.map((s) => s.name)).toEqual(['api', 'web']);
    expect(merged.services[0]).toEqual({
      name: 'api',
      image: 'x',
      build: { archive: 'a', digest },
      scan: { verdict: 'pass' },
    });
  });

  test('refuses conflicting entries, naming the file and the field', () => {
    expect(() =>
      mergeReleaseManifests([
        {
          source: 'leg-1.json',
          manifest: manifest({ name: 'api', image: 'x', build: { archive: 'a', digest } }),
        },
        {
          source: 'leg-2.json',
          manifest: manifest({
            name: 'api',
            image: 'x',
            build: { archive: 'a', digest: `sha256:${'b'.repeat(64)}` },
          }),
        },
      ]),
    ).toThrow(
      `leg-2.json: service "api" build.digest is "sha256:${'b'.repeat(64)}" but leg-1.json says "${digest}"`,
    );
  });

  test('refuses fragments of different releases', () => {
    expect(() =>
      mergeReleaseManifests([
        { source: 'a.json', manifest: manifest() },
        { source: 'b.json', manifest: createReleaseManifest({ version: '2.0.0', tags: [] }) },
      ]),
    ).toThrow('b.json: release version 2.0.0 conflicts with 1.0.0 in a.json');
  });

  test('needs at least one fragment', () => {
    expect(() => mergeReleaseManifests([])).toThrow('no release manifest fragments to merge');
  });
});

describe('readReleaseManifestInput', () => {
  test('reads one file, or merges the fragments below a directory as artifacts lay them out', async () => {
    await withTempDir('fragments', async (dir) => {
      const api = manifest({ name: 'api', image: 'x', build: { archive: 'a', digest } });
      const web = manifest({ name: 'web', image: 'y' });
      writeReleaseManifest(path.join(dir, 'release-manifest-api', 'release-manifest.json'), api);
      writeReleaseManifest(path.join(dir, 'release-manifest-web', 'release-manifest.json'), web);
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a fragment');
      expect(
        readReleaseManifestInput(path.join(dir, 'release-manifest-api', 'release-manifest.json')),
      ).toEqual(api);
      expect(readReleaseManifestInput(dir).services.map((s) => s.name)).toEqual(['api', 'web']);
    });
  });

  test('an empty directory or a missing path is a clear error', async () => {
    await withTempDir('fragments', async (dir) => {
      expect(() => readReleaseManifestInput(dir)).toThrow(
        `${dir} holds no release manifest fragments (*.json)`,
      );
      expect(() => readReleaseManifestInput(path.join(dir, 'nope'))).toThrow('does not exist');
    });
  });
});
