// Builds the example services for real with buildah, checks the archives with skopeo, and runs
// the built images on the host.
import { execFileSync } from 'node:child_process';
import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readReleaseManifest, type ReleaseManifest } from '@alt-las/release-model';
import { makeTempDir, repoRoot, runAction, type ActionRun } from '../harness';
import {
  requireTools,
  stageBusybox,
  startFromImage,
  unpackImage,
  type RunningService,
} from './example-services';

jest.setTimeout(180_000);

const SERVICES = ['api-gateway', 'segmentation-service', 'ai-orchestrator', 'archive-service'];
const SHA = '0123456789abcdef0123456789abcdef01234567';
const CANARY = 'canary-build-arg-51d2e8';

let dir: string;
let outputDir: string;
let inputs: Record<string, string>;
let first: ActionRun;
let manifest: ReleaseManifest;
const running: RunningService[] = [];

beforeAll(async () => {
  requireTools('buildah', 'skopeo', 'umoci', 'busybox', 'tar');
  dir = makeTempDir('build-services-e2e');
  outputDir = path.join(dir, 'out');
  inputs = {
    builder: 'buildah',
    'output-dir': outputDir,
    'build-contexts': `busybox=${stageBusybox(dir)}`,
    labels: 'org.example.team=alt-las\norg.opencontainers.image.vendor=ALT_LAS',
    parallel: '2',
    'build-args': `API_TOKEN=${CANARY}`,
  };
  first = await runAction('build-services', { inputs });
  if (first.exitCode === 0) manifest = readReleaseManifest(first.outputs['release-manifest']!);
});

afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const skopeoInspect = (archive: string) =>
  JSON.parse(execFileSync('skopeo', ['inspect', `oci-archive:${archive}`], { encoding: 'utf8' })) as {
    Digest: string;
    Labels: Record<string, string>;
    Layers: string[];
  };

test('builds and tests every example service', () => {
  expect({ exitCode: first.exitCode, errors: first.annotations }).toEqual({ exitCode: 0, errors: [] });
  expect(manifest.services.map((service) => service.name)).toEqual(SERVICES);
  for (const service of manifest.services) {
    expect([service.name, service.test?.result]).toEqual([service.name, 'passed']);
    expect(service.build?.builder).toBe('buildah');
    expect(service.build?.archive).toBe(path.join(outputDir, `${service.name}.oci.tar`));
  }
  // The segmentation service is tested by its Dockerfile stage, the others by a command.
  expect(first.stdout).toMatch(/--target test \S*segmentation-service/);
  expect(first.stdout).toContain('api-gateway: all checks passed');
});

test('skopeo reads each archive with the digest, layers and labels the manifest records', () => {
  for (const service of manifest.services) {
    const image = skopeoInspect(service.build!.archive);
    expect([service.name, image.Digest]).toEqual([service.name, service.build!.digest]);
    expect(image.Layers).toHaveLength(service.build!.layers!);
    expect(image.Labels).toMatchObject({
      'org.opencontainers.image.source': 'https://github.com/alt-las/alt-las',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.version': '1.0.0',
      'org.opencontainers.image.title': service.name,
      'org.example.team': 'alt-las',
      'org.opencontainers.image.vendor': 'ALT_LAS',
    });
    const created = Date.parse(image.Labels['org.opencontainers.image.created']!);
    expect(Math.abs(created - Date.now())).toBeLessThan(10 * 60_000);
    expect(fs.statSync(service.build!.archive).size).toBeLessThan(5 * 1024 * 1024);
    // Layers are gzip-compressed, as registries and pulls expect (buildah's own default is plain tar).
    const raw = JSON.parse(
      execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${service.build!.archive}`], {
        encoding: 'utf8',
      }),
    ) as { layers: { mediaType: string }[] };
    expect(raw.layers.map((layer) => layer.mediaType)).toEqual(
      image.Layers.map(() => 'application/vnd.oci.image.layer.v1.tar+gzip'),
    );
  }
});

test('outputs and summary describe the build', () => {
  const images = JSON.parse(first.outputs.images!) as Record<
    string,
    { image: string; digest: string; tags: string[] }
  >;
  for (const service of manifest.services) {
    expect(images[service.name]).toMatchObject({
      image: `ghcr.io/alt-las/alt-las-${service.name}`,
      digest: service.build!.digest,
      tags: ['1.0.0', '1.0', '1', 'sha-0123456'],
    });
    expect(first.summary).toMatch(
      new RegExp(
        `\\| ${service.name} \\| passed \\| [^|]+ \\| 1\\.\\d MB \\| ${service.build!.layers} \\| \`${service.build!.digest}\``,
      ),
    );
  }
  expect(JSON.parse(first.outputs.matrix!).include).toHaveLength(4);
  expect(first.outputs.version).toBe('1.0.0');
  // Build-arg values may be tokens: they are passed to the builder but never logged.
  expect(first.stdout).toContain('--build-arg API_TOKEN=…');
  expect(first.stdout + first.stderr + first.summary + JSON.stringify(first.outputs)).not.toContain(CANARY);
  // Each service's log is one group, opened and closed before the next one starts.
  for (const name of SERVICES) expect(first.stdout).toMatch(new RegExp(`::group::${name}: built in`));
  // The per-run buildah storage is gone.
  expect(
    fs
      .readdirSync(path.join(first.runnerDir, 'temp'))
      .filter((entry) => entry.startsWith('alt-las-build-work')),
  ).toEqual([]);
});

test('the images run on the host from their unpacked rootfs, and the gateway reaches every backend', async () => {
  const unpacked = Object.fromEntries(
    manifest.services.map((service) => [
      service.name,
      unpackImage(service.build!.archive, '1.0.0', path.join(dir, 'unpacked', service.name)),
    ]),
  );
  expect(unpacked['api-gateway']!.args).toEqual(['./bin/busybox', 'sh', 'app/start.sh']);
  const backends: Record<string, RunningService> = {};
  for (const name of ['segmentation-service', 'ai-orchestrator', 'archive-service']) {
    backends[name] = await startFromImage(unpacked[name]!);
    running.push(backends[name]!);
  }
  const gateway = await startFromImage(unpacked['api-gateway']!, {
    SEGMENTATION_SERVICE_URL: backends['segmentation-service']!.url,
    AI_ORCHESTRATOR_URL: backends['ai-orchestrator']!.url,
    ARCHIVE_SERVICE_URL: backends['archive-service']!.url,
  });
  running.push(gateway);

  for (const [name, service] of Object.entries({ ...backends, 'api-gateway': gateway })) {
    const response = await fetch(`${service.url}/health`);
    expect([name, response.status, response.headers.get('content-type')]).toEqual([
      name,
      200,
      'application/json',
    ]);
    expect(await response.json()).toEqual({ status: 'ok', service: name });
  }
  const models = await fetch(`${gateway.url}/api/segmentation/models`);
  expect(models.status).toBe(200);
  expect(await models.json()).toEqual({ models: [{ name: 'sentence', languages: ['en', 'tr'] }] });
  const segmented = await fetch(`${gateway.url}/api/segmentation/segment`, {
    method: 'POST',
    body: 'Merhaba dünya. How are you? Fine!',
  });
  expect(await segmented.json()).toMatchObject({ segments: 3 });
  const task = await fetch(`${gateway.url}/api/orchestrator/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agent: 'archive' }),
  });
  expect(task.status).toBe(202);
  expect(await task.json()).toMatchObject({ agent: 'archive', state: 'queued' });
  const stored = await fetch(`${gateway.url}/api/archive/records`, { method: 'POST', body: 'hello' });
  expect(stored.status).toBe(201);
  expect(await stored.json()).toMatchObject({
    id: 'sha256-2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    bytes: 5,
  });
  expect((await fetch(`${gateway.url}/api/nowhere`)).status).toBe(404);

  // Kubernetes stops a pod with SIGTERM: the entrypoint exits promptly and cleanly.
  expect(await backends['archive-service']!.terminate()).toMatchObject({ code: 0, signal: null });
  await backends['archive-service']!.stop();
  const down = await fetch(`${gateway.url}/api/archive/records`);
  expect(down.status).toBe(502);
  expect(await down.json()).toEqual({
    error: 'no response from archive-service',
    backend: 'archive-service',
  });
});

test('a second run with nothing changed keeps every archive and is much faster', async () => {
  const second = await runAction('build-services', { inputs });
  expect(second.exitCode).toBe(0);
  const again = readReleaseManifest(second.outputs['release-manifest']!);
  expect(again.services.map((service) => service.build?.digest)).toEqual(
    manifest.services.map((service) => service.build?.digest),
  );
  for (const name of SERVICES) expect(second.stdout).toContain(`::group::${name}: unchanged, archive kept`);
  expect(second.summary).toMatch(
    /\| segmentation-service \| passed \| unchanged \| [^|]+ \| \d+ \| [^|]+ \| unchanged \|/,
  );
  expect(second.durationMs).toBeLessThan(first.durationMs / 2);
});

test('the example contexts stay small and hold no busybox binary', () => {
  for (const name of SERVICES) {
    const context = path.join(repoRoot, 'examples', 'alt-las', name);
    const files = execFileSync('find', [context, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
    const bytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
    expect([name, bytes < 64 * 1024]).toEqual([name, true]);
    expect(files.filter((file) => path.basename(file) === 'busybox')).toEqual([]);
  }
});
