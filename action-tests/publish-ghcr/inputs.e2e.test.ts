import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexTar } from '@alt-las/oci';
import { makeTempDir } from '../harness/paths';
import { runAction } from '../harness/run-action';
import { writeOciArchive } from '../harness/registry';
import { writeManifest, type FixtureImage } from './helpers';

// Every bad input fails before the action reaches the network: the registry here is a closed port.
let dir: string;
let good: FixtureImage;

beforeAll(() => {
  dir = makeTempDir('alt-las-publish-inputs');
  const file = path.join(dir, 'good.tar');
  good = {
    name: 'api-gateway',
    archive: file,
    digest: writeOciArchive(file, [[{ name: 'a', data: crypto.randomBytes(2000) }]]).digest,
  };
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function failure(manifest: string, inputs: Record<string, string> = {}) {
  const run = await runAction('publish-ghcr', {
    inputs: {
      'release-manifest': manifest,
      registry: 'http://127.0.0.1:9',
      namespace: 'alt-las',
      token: 'tok-canary-5511',
      ...inputs,
    },
    workspace: dir,
  });
  expect(run.exitCode).toBe(1);
  expect(run.stdout).not.toMatch(/group::Decide|group::Check what the registry/);
  expect(run.outputs).toEqual({});
  const errors = run.annotations.filter((a) => a.level === 'error');
  expect(errors).toHaveLength(1);
  return errors[0]!.message;
}

test('a missing archive names the file', async () => {
  const manifest = writeManifest(dir, [{ ...good, archive: path.join(dir, 'nope.tar') }]);
  expect(await failure(manifest)).toMatch(/OCI archive .*nope\.tar: does not exist/);
});

test('a file that is not an OCI layout is refused', async () => {
  const file = path.join(dir, 'not-oci.tar');
  fs.writeFileSync(file, 'this is not a tar file at all'.repeat(40));
  expect(await failure(writeManifest(dir, [{ ...good, archive: file }]))).toMatch(
    /not-oci\.tar: not a readable tar/,
  );
});

test('a corrupt manifest blob is a digest mismatch', async () => {
  const file = path.join(dir, 'corrupt-manifest.tar');
  fs.copyFileSync(good.archive, file);
  const manifestEntry = indexTar(file).get(`blobs/sha256/${good.digest.slice(7)}`)!;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.from(' '), 0, 1, manifestEntry.offset + manifestEntry.size - 2);
  fs.closeSync(fd);
  expect(await failure(writeManifest(dir, [{ ...good, archive: file }]))).toMatch(/manifest digest mismatch/);
});

test('an archive that is not the one built is refused', async () => {
  const manifest = writeManifest(dir, [{ ...good, digest: `sha256:${'a'.repeat(64)}` }], {
    scan: () => ({ verdict: 'pass' }),
  });
  expect(await failure(manifest)).toMatch(/the archive changed after the build/);
});

test.each([
  ['missing', undefined, /has no scan verdict/],
  ['failed', { verdict: 'fail' as const }, /did not pass its scan \(verdict: fail\)/],
  [
    'for another digest',
    { verdict: 'pass' as const, digest: `sha256:${'b'.repeat(64)}` },
    /refusing to publish an unscanned image/,
  ],
])('require-scan refuses a scan verdict that is %s', async (_label, scan, message) => {
  const manifest = writeManifest(dir, [good], { scan: () => scan });
  expect(await failure(manifest)).toMatch(message);
});

test('require-scan: false lets an unscanned image through to the registry step', async () => {
  const manifest = writeManifest(dir, [good], { scan: () => undefined });
  const run = await runAction('publish-ghcr', {
    inputs: {
      'release-manifest': manifest,
      registry: 'http://127.0.0.1:9',
      namespace: 'alt-las',
      'require-scan': 'false',
      'retry-deadline': '1s',
      latest: 'false',
    },
    workspace: dir,
  });
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toContain('group::Check what the registry already has');
  expect(run.annotations.find((a) => a.level === 'error')?.message).toMatch(/ECONNREFUSED/);
});

test.each([
  [{ namespace: 'Bad Owner!' }, /input "namespace": got "bad owner!"/],
  [{ tags: 'edge, not a tag!' }, /input "tags": "not a tag!" is not a valid tag/],
  [{ registry: 'https://ghcr.io/some/path' }, /input "registry"/],
  [{ latest: 'sometimes' }, /input "latest": got "sometimes", expected one of auto, true, false/],
  [{ concurrency: '0' }, /input "concurrency"/],
  [{ 'retry-deadline': 'soon' }, /input "retry-deadline"/],
])('bad input %j is named in the error', async (inputs, message) => {
  expect(await failure(writeManifest(dir, [good]), inputs)).toMatch(message);
});

test('dry run lists the refs it would push without contacting the registry', async () => {
  const run = await runAction('publish-ghcr', {
    inputs: {
      'release-manifest': writeManifest(dir, [good]),
      registry: 'http://127.0.0.1:9',
      namespace: 'alt-las',
      'dry-run': 'true',
      tags: 'edge',
    },
    workspace: dir,
  });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.refs!.split('\n')).toEqual([
    `127.0.0.1:9/alt-las/alt-las-api-gateway@${good.digest}`,
    ...['1.0.0', '1.0', '1', 'sha-0123456', 'edge'].map(
      (tag) => `127.0.0.1:9/alt-las/alt-las-api-gateway:${tag}`,
    ),
  ]);
  expect(run.summary).toContain('Nothing was pushed');
});
