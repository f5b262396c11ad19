import * as fs from 'node:fs';
import * as path from 'node:path';
import { readOciArchive } from '@alt-las/oci';
import { readReleaseManifest } from '@alt-las/release-model';
import { makeTempDir } from '../harness/paths';
import { runAction } from '../harness/run-action';
import { buildahArchive, removeBuildahImages, startRegistry, type Registry } from '../harness/registry';
import { skopeoCopyOut, skopeoDigest, visibleLog, writeManifest, type FixtureImage } from './helpers';

// Real images (buildah), a real registry (docker-registry) behind TLS, checked by a second client (skopeo).
let dir: string;
let images: FixtureImage[];
const built: string[] = [];
let basic: Registry;
let token: Registry;

beforeAll(async () => {
  dir = makeTempDir('alt-las-publish');
  const base = buildahArchive({
    dir,
    name: 'base',
    files: { 'shared.txt': 'shared base layer\n' },
    archive: path.join(dir, 'base.tar'),
  });
  built.push(base);
  images = [];
  for (const name of ['api-gateway', 'archive-service']) {
    const archive = path.join(dir, `${name}.tar`);
    built.push(buildahArchive({ dir, name, from: base, files: { 'service.txt': `${name}\n` }, archive }));
    images.push({ name, archive, digest: readOciArchive(archive).manifestDigest });
  }
  [basic, token] = await Promise.all([
    startRegistry({ auth: 'htpasswd', tls: true }),
    startRegistry({ auth: 'token', tls: true }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([basic?.stop(), token?.stop()]);
  removeBuildahImages(built);
  fs.rmSync(dir, { recursive: true, force: true });
});

function publish(registry: Registry, manifest: string, inputs: Record<string, string> = {}) {
  return runAction('publish-ghcr', {
    inputs: {
      'release-manifest': manifest,
      registry: registry.host,
      namespace: 'alt-las',
      username: registry.username,
      token: registry.password,
      ...inputs,
    },
    env: { NODE_EXTRA_CA_CERTS: registry.caFile! },
    workspace: dir,
  });
}

const expectedTags = ['1.0.0', '1.0', '1', 'sha-0123456', 'latest'];

describe.each([
  ['htpasswd over TLS', () => basic],
  ['token service over TLS', () => token],
])('publish-ghcr with %s', (_label, registryOf) => {
  test('pushes every image byte for byte under every tag, and records it in the release manifest', async () => {
    const registry = registryOf();
    const manifest = writeManifest(dir, images);
    const run = await publish(registry, manifest);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);

    expect(JSON.parse(run.outputs.digests!)).toEqual(
      Object.fromEntries(images.map((i) => [i.name, i.digest])),
    );
    const refs = run.outputs.refs!.split('\n');
    for (const image of images) {
      const repository = `${registry.host}/alt-las/alt-las-${image.name}`;
      expect(refs).toContain(`${repository}@${image.digest}`);
      for (const tag of expectedTags) {
        expect(refs).toContain(`${repository}:${tag}`);
        expect(await skopeoDigest(registry, `${repository}:${tag}`)).toBe(image.digest);
        const copied = await skopeoCopyOut(
          registry,
          `${repository}:${tag}`,
          path.join(dir, `copy-${image.name}-${tag}-${Date.now()}.tar`),
        );
        expect(readOciArchive(copied).manifestDigest).toBe(image.digest);
        // Byte for byte: the pushed manifest is exactly the archive's.
        expect(readOciArchive(copied).manifestBytes).toEqual(readOciArchive(image.archive).manifestBytes);
      }
    }

    const updated = readReleaseManifest(run.outputs['release-manifest']!);
    for (const service of updated.services) {
      const image = images.find((i) => i.name === service.name)!;
      expect(service.image).toBe(`${registry.host}/alt-las/alt-las-${service.name}`);
      expect(service.publish?.digest).toBe(image.digest);
      expect(service.publish?.refs).toContain(`${service.image}:1.0.0`);
    }
    // The shared base layer goes up once and is mounted into the second repository.
    expect(run.summary).toMatch(/mounted/);
    expect(run.summary).toContain('api-gateway');
    expect(run.summary).toContain(images[0]!.digest.slice(0, 19));
    for (const text of [visibleLog(run.stdout), run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(registry.password);
    }
  });

  test('wrong credentials fail with a clear 401 message and never show the token', async () => {
    const registry = registryOf();
    const canary = 'canary-token-Zq81xLm0Pw';
    const run = await publish(registry, writeManifest(dir, images), { token: canary });
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors.join('\n')).toMatch(/401/);
    expect(errors.join('\n')).toMatch(/credentials/);
    expect(errors.join('\n')).toContain(registry.username);
    for (const text of [visibleLog(run.stdout), run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(canary);
    }
  });
});

test('latest: auto leaves latest alone when an older version is published after a newer one', async () => {
  const first = await publish(basic, writeManifest(dir, images, { version: '2.0.0' }));
  expect(first.stdout).toContain('2.0.0 gets the latest tag');
  expect(first.exitCode).toBe(0);
  expect(first.outputs.refs).toContain(`alt-las-api-gateway:latest`);
  const older = await publish(basic, writeManifest(dir, images, { version: '1.5.0' }));
  expect(older.exitCode).toBe(0);
  expect(older.stdout).toContain('1.5.0 does not get the latest tag');
  expect(older.outputs.refs).not.toContain(':latest');
  expect(older.outputs.refs).toContain(`alt-las-api-gateway:1.5.0`);
});

test('a token registry issues scoped tokens and refuses anonymous pushes', async () => {
  const issued = token.tokenService!.issued.length;
  expect(issued).toBeGreaterThan(0);
  expect(
    token.tokenService!.issued.some((t) => t.scope.some((s) => /alt-las-api-gateway:pull,push/.test(s))),
  ).toBe(true);
  const run = await publish(token, writeManifest(dir, images), { token: '' });
  expect(run.exitCode).toBe(1);
  expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
    /refused .*\(none were given\)|401/,
  );
});

test('an untrusted registry certificate fails at once with a hint instead of being retried', async () => {
  const run = await runAction('publish-ghcr', {
    inputs: {
      'release-manifest': writeManifest(dir, images),
      registry: basic.host,
      namespace: 'alt-las',
      username: basic.username,
      token: basic.password,
    },
    workspace: dir,
  });
  expect(run.exitCode).toBe(1);
  expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
    /SELF_SIGNED_CERT.*NODE_EXTRA_CA_CERTS/,
  );
  expect(run.stdout).not.toMatch(/retry 1 in/);
  expect(run.durationMs).toBeLessThan(10_000);
});
