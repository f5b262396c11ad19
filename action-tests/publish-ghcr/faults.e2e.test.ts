import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexTar } from '@alt-las/oci';
import { makeTempDir } from '../harness/paths';
import { runAction } from '../harness/run-action';
import {
  faultsAt,
  startFaultProxy,
  startRegistry,
  writeOciArchive,
  type FaultProxy,
  type Registry,
} from '../harness/registry';
import { skopeoDigest, skopeoTags, writeManifest, type FixtureImage } from './helpers';

// A fault-injecting proxy sits between the action and a real registry and counts what reaches it.
let dir: string;
let registry: Registry;
let proxy: FaultProxy;

const random = (bytes: number) => crypto.randomBytes(bytes);

function image(name: string, layerSizes: number[], base?: Buffer): FixtureImage {
  const layers = layerSizes.map((size, i) => [
    { name: `layer-${i}.bin`, data: i === 0 && base ? base : random(size) },
  ]);
  const file = path.join(dir, `${name}-${crypto.randomUUID().slice(0, 8)}.tar`);
  const generated = writeOciArchive(file, layers, name);
  return { name, archive: file, digest: generated.digest };
}

beforeAll(async () => {
  dir = makeTempDir('alt-las-publish-faults');
  registry = await startRegistry({ auth: 'none', tls: false });
  proxy = await startFaultProxy({ target: registry.url });
});

afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function publish(manifest: string, inputs: Record<string, string> = {}) {
  return runAction('publish-ghcr', {
    inputs: {
      'release-manifest': manifest,
      registry: `http://${proxy.host}`,
      namespace: 'alt-las',
      token: '',
      ...inputs,
    },
    workspace: dir,
  });
}

const isUpload = (r: { path: string; method: string }) =>
  /\/blobs\/uploads\//.test(r.path) && r.method !== 'GET';

describe('through 429s, 503s and dropped connections', () => {
  let images: FixtureImage[];
  let manifest: string;

  beforeAll(() => {
    const base = random(300_000);
    images = [
      image('api-gateway', [300_000, 500_000, 200_000], base),
      image('segmentation-service', [300_000, 400_000], base),
    ];
    manifest = writeManifest(dir, images);
  });

  test('the push completes and every tag carries the archive digest', async () => {
    const uploadPuts = (r: { method: string; path: string }) =>
      r.method === 'PUT' && /\/blobs\/uploads\//.test(r.path);
    const schedules = [
      faultsAt({
        2: { kind: 'status', status: 429, retryAfter: '1' },
        6: { kind: 'status', status: 503 },
        9: { kind: 'drop' },
      }),
      faultsAt({ 1: { kind: 'drop' }, 3: { kind: 'status', status: 502 } }, uploadPuts),
      faultsAt(
        { 1: { kind: 'status', status: 503 }, 4: { kind: 'status', status: 429, retryAfter: '1' } },
        (r) => r.method === 'PUT' && r.path.includes('/manifests/'),
      ),
    ];
    proxy.setSchedule((request) =>
      schedules.map((schedule) => schedule(request)).find((fault) => fault !== undefined),
    );
    const run = await publish(manifest, { 'retry-deadline': '60s' });
    proxy.setSchedule(undefined);
    expect(run.exitCode).toBe(0);
    const injected = proxy.requests.filter((r) => r.injected);
    expect(injected.length).toBeGreaterThanOrEqual(6);
    expect(injected.some((r) => r.outcome === 'dropped')).toBe(true);
    expect(injected.filter((r) => r.outcome === 429).length).toBeGreaterThanOrEqual(2);
    expect(injected.some((r) => r.outcome === 503)).toBe(true);
    expect(run.stdout).toMatch(/retry 1 in/);

    // Retry-After: 1 was honoured: the same request came back no sooner than a second later.
    for (const throttled of injected.filter((r) => r.outcome === 429)) {
      const next = proxy.requests.find(
        (r) => r.index > throttled.index && r.method === throttled.method && r.path === throttled.path,
      );
      expect(next).toBeDefined();
      expect(next!.at - throttled.at).toBeGreaterThanOrEqual(950);
    }
    // Order: every blob before any manifest, every manifest by digest before any tag.
    const answered = proxy.requests.filter((r) => !r.injected);
    const last = (match: (r: (typeof answered)[number]) => boolean) =>
      Math.max(...answered.filter(match).map((r) => r.index));
    const first = (match: (r: (typeof answered)[number]) => boolean) =>
      Math.min(...answered.filter(match).map((r) => r.index));
    const manifestPut = (r: { method: string; path: string }) =>
      r.method === 'PUT' && r.path.includes('/manifests/');
    const byDigest = (r: { method: string; path: string }) =>
      manifestPut(r) && r.path.includes('/manifests/sha256:');
    expect(last(isUpload)).toBeLessThan(first(manifestPut));
    expect(last(byDigest)).toBeLessThan(first((r) => manifestPut(r) && !byDigest(r)));
    for (const { name, digest } of images) {
      for (const tag of ['1.0.0', '1.0', '1', 'sha-0123456', 'latest']) {
        expect(await skopeoDigest(registry, `${registry.host}/alt-las/alt-las-${name}:${tag}`)).toBe(digest);
      }
    }
  });

  test('re-publishing the unchanged release uploads nothing', async () => {
    const before = proxy.requests.length;
    const uploadedBefore = proxy.uploadedBytes();
    const run = await publish(manifest);
    expect(run.exitCode).toBe(0);
    const requests = proxy.requests.slice(before);
    expect(requests.filter(isUpload)).toEqual([]);
    expect(proxy.uploadedBytes()).toBe(uploadedBefore);
    expect(requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(run.summary).toContain('0 B (0 blobs)');
    expect(JSON.parse(run.outputs.digests!)).toEqual(
      Object.fromEntries(images.map((i) => [i.name, i.digest])),
    );
  });
});

test('a fault that outlasts the deadline fails clearly and leaves no tag on a missing manifest', async () => {
  const images = [image('ai-orchestrator', [200_000]), image('archive-service', [200_000])];
  proxy.setSchedule((r) =>
    r.method === 'PUT' && r.path.includes('alt-las-archive-service/manifests/')
      ? { kind: 'status', status: 503 }
      : undefined,
  );
  const run = await publish(writeManifest(dir, images, { version: '3.0.0' }), { 'retry-deadline': '2s' });
  proxy.setSchedule(undefined);
  expect(run.exitCode).toBe(1);
  const error = run.annotations.find((a) => a.level === 'error')!.message;
  expect(error).toMatch(/manifest .*alt-las-archive-service.* did not succeed within 2s/);
  expect(error).toMatch(/HTTP 503/);
  expect(run.summary).toContain('Refs that were not pushed');
  expect(run.summary).toContain(`alt-las-archive-service@${images[1]!.digest}`);
  expect(run.outputs.refs).toBeUndefined();
  // No tag of this release was written anywhere, so none can point at the missing manifest.
  for (const { name } of images) {
    const tags = await skopeoTags(registry, `${registry.host}/alt-las/alt-las-${name}`);
    expect(tags.filter((tag) => tag.startsWith('3'))).toEqual([]);
  }
});

test('a corrupt layer is named as such and nothing of it, nor any manifest or tag, is committed', async () => {
  const corrupt = image('api-gateway', [100_000, 150_000]);
  const entries = indexTar(corrupt.archive);
  const layer = [...entries.values()].find((entry) => entry.size > 90_000 && entry.size < 200_000)!;
  const layerDigest = `sha256:${path.basename(layer.name)}`;
  const fd = fs.openSync(corrupt.archive, 'r+');
  fs.writeSync(fd, Buffer.from('corrupted'), 0, 9, layer.offset + Math.floor(layer.size / 2));
  fs.closeSync(fd);
  const before = proxy.requests.length;
  const run = await publish(writeManifest(dir, [corrupt], { version: '4.0.0' }));
  expect(run.exitCode).toBe(1);
  expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(
    new RegExp(
      `blob digest mismatch: the archive's content for ${layerDigest} hashes to sha256:[0-9a-f]{64}; the archive is corrupt`,
    ),
  );
  const requests = proxy.requests.slice(before);
  expect(requests.filter((r) => r.path.includes('/manifests/') && r.method === 'PUT')).toEqual([]);
  expect(proxy.uploadedBlobs()).not.toContain(layerDigest);
  const head = await fetch(`${registry.url}/v2/alt-las/alt-las-api-gateway/blobs/${layerDigest}`, {
    method: 'HEAD',
  });
  expect(head.status).toBe(404);
  expect(
    (await skopeoTags(registry, `${registry.host}/alt-las/alt-las-api-gateway`)).filter((t) =>
      t.startsWith('4'),
    ),
  ).toEqual([]);
});
