import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { MemoryLogger } from '@alt-las/action-kit';
import {
  parseChallenge,
  readOciArchive,
  RegistryClient,
  wantsLatest,
  type HttpTransport,
} from '@alt-las/oci';
import { makeTempDir } from '../harness/paths';
import {
  startFaultProxy,
  startRegistry,
  writeOciArchive,
  type FaultProxy,
  type Registry,
} from '../harness/registry';

test('parses Bearer and Basic challenges, keeping commas inside quotes', () => {
  expect(
    parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/a:pull,push"'),
  ).toEqual({
    scheme: 'bearer',
    params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/a:pull,push' },
  });
  expect(parseChallenge('Basic realm="registry"')).toEqual({
    scheme: 'basic',
    params: { realm: 'registry' },
  });
  expect(parseChallenge(undefined)).toBeUndefined();
});

test.each([
  ['1.0.0', [], true],
  ['1.0.0', ['0.9.0', '1.0.0', 'latest', 'sha-abc1234'], true],
  ['1.5.0', ['2.0.0', '1.0.0'], false],
  ['2.1.0', ['2.0.0', '3.0.0-rc.1'], true],
  ['3.0.0-rc.2', [], false],
])('latest: auto for %s with registry tags %j is %s', (version, tags, expected) => {
  expect(wantsLatest(version, 'auto', tags)).toBe(expected);
});

test('a Retry-After longer than the deadline fails at once instead of sleeping past it', async () => {
  const requests: string[] = [];
  const transport: HttpTransport = async (request) => {
    requests.push(request.method);
    return { status: 429, headers: { 'retry-after': '120' }, body: Buffer.from('{}') };
  };
  const client = new RegistryClient({ registry: 'registry.test', transport, deadlineMs: 5_000 });
  const started = Date.now();
  await expect(client.blobExists('registry.test/o/a', `sha256:${'1'.repeat(64)}`)).rejects.toThrow(
    /did not succeed within 5s \(1 attempts\).*HTTP 429/,
  );
  expect(Date.now() - started).toBeLessThan(1000);
  expect(requests).toEqual(['HEAD']);
});

describe('against docker-registry', () => {
  let dir: string;
  let registry: Registry;
  let proxy: FaultProxy;

  beforeAll(async () => {
    dir = makeTempDir('alt-las-registry-client');
    registry = await startRegistry({ auth: 'htpasswd', tls: true });
    proxy = await startFaultProxy({ target: registry.url, caFile: registry.caFile });
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('uploads a large blob in chunks, resumes through a dropped chunk, and pushes the manifest', async () => {
    const file = path.join(dir, 'chunked.tar');
    writeOciArchive(file, [[{ name: 'big', data: crypto.randomBytes(700_000) }]]);
    const archive = readOciArchive(file);
    let patches = 0;
    proxy.setSchedule((r) => (r.method === 'PATCH' && ++patches === 3 ? { kind: 'drop' } : undefined));
    const logger = new MemoryLogger();
    const client = new RegistryClient({
      registry: `http://${proxy.host}`,
      credentials: { username: registry.username, password: registry.password },
      chunkSize: 256 * 1024,
      logger,
      baseDelayMs: 50,
    });
    const repository = `${proxy.host}/alt-las/chunked`;
    for (const blob of archive.blobs) {
      await client.putBlob(repository, blob, (range) => archive.openBlob(blob.digest, range));
      expect(await client.blobExists(repository, blob.digest)).toBe(true);
    }
    await client.putManifest(
      repository,
      '1.0.0',
      archive.manifestBytes,
      archive.manifestMediaType,
      archive.manifestDigest,
    );
    expect(await client.manifestDigest(repository, '1.0.0')).toBe(archive.manifestDigest);
    expect(await client.listTags(repository)).toEqual(['1.0.0']);
    const layerPatches = proxy.requests.filter((r) => r.method === 'PATCH');
    // 700 kB in 256 KiB chunks is 3 PATCHes; the dropped one forces the upload to start over.
    expect(layerPatches.length).toBeGreaterThanOrEqual(4);
    expect(logger.lines.join('\n')).toMatch(/upload of blob .* retry 1/);
  });
});

test('a manifest the registry stores under another digest is reported', async () => {
  const transport: HttpTransport = async () => ({
    status: 201,
    headers: { 'docker-content-digest': `sha256:${'f'.repeat(64)}` },
    body: Buffer.alloc(0),
  });
  const client = new RegistryClient({ registry: 'registry.test', transport });
  await expect(
    client.putManifest(
      'registry.test/o/a',
      '1',
      Buffer.from('{}'),
      'application/json',
      `sha256:${'e'.repeat(64)}`,
    ),
  ).rejects.toThrow(/Docker-Content-Digest sha256:f+ .* expected sha256:e+/);
});

test('streams are reopened for each retry', async () => {
  let opened = 0;
  let calls = 0;
  const transport: HttpTransport = async (request) => {
    calls++;
    if (typeof request.body === 'function') {
      const chunks: Buffer[] = [];
      for await (const chunk of request.body()) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('blob');
      if (calls === 2) return { status: 503, headers: {}, body: Buffer.alloc(0) };
      return { status: 201, headers: {}, body: Buffer.alloc(0) };
    }
    return { status: 202, headers: { location: '/v2/o/a/blobs/uploads/u1' }, body: Buffer.alloc(0) };
  };
  const client = new RegistryClient({ registry: 'registry.test', transport, baseDelayMs: 1 });
  const digest = `sha256:${crypto.createHash('sha256').update('blob').digest('hex')}`;
  const result = await client.putBlob('registry.test/o/a', { mediaType: 'x', digest, size: 4 }, () => {
    opened++;
    return Readable.from([Buffer.from('blob')]);
  });
  expect(result).toBe('uploaded');
  expect(opened).toBe(2);
});
