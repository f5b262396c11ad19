import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { indexTar, readOciArchive, verifyBlobs } from '@alt-las/oci';
import { makeTempDir } from '../harness/paths';
import { writeOciArchive } from '../harness/registry';

let dir: string;
beforeAll(() => (dir = makeTempDir('alt-las-oci-archive')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('reads manifest, config and layers, and streams blobs and byte ranges', async () => {
  const data = crypto.randomBytes(5000);
  const file = path.join(dir, 'image.tar');
  const generated = writeOciArchive(
    file,
    [[{ name: 'a.bin', data }], [{ name: 'b.bin', data: crypto.randomBytes(10) }]],
    'svc',
  );
  const archive = readOciArchive(file);
  expect(archive.manifestDigest).toBe(generated.digest);
  expect(archive.layers.map((l) => l.digest)).toEqual(generated.layers);
  expect(archive.size).toBe(generated.size);
  expect(
    (archive.config.config as { Labels: Record<string, string> }).Labels['org.opencontainers.image.title'],
  ).toBe('svc');
  const layer = archive.layers[0]!;
  const chunks: Buffer[] = [];
  for await (const chunk of archive.openBlob(layer.digest, { start: 10, end: 30 }))
    chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks)).toEqual(archive.readBlob(layer.digest).subarray(10, 30));
  await expect(verifyBlobs(archive, generated.layers)).resolves.toBeUndefined();
  expect(() => archive.openBlob(`sha256:${'0'.repeat(64)}`)).toThrow(/does not reference blob/);
});

test('indexes pax long names written by GNU tar', () => {
  const tree = path.join(dir, 'tree');
  const longName = `${'d'.repeat(80)}/${'f'.repeat(90)}.txt`;
  fs.mkdirSync(path.join(tree, path.dirname(longName)), { recursive: true });
  fs.writeFileSync(path.join(tree, longName), 'long');
  for (const format of ['pax', 'gnu']) {
    const tar = path.join(dir, `long-${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '-cf', tar, '-C', tree, '.']);
    const entry = indexTar(tar).get(longName);
    expect(entry?.size).toBe(4);
    expect(
      fs
        .readFileSync(tar)
        .subarray(entry!.offset, entry!.offset + 4)
        .toString(),
    ).toBe('long');
  }
});

test('a layer whose content does not match its digest is caught by verifyBlobs', async () => {
  const file = path.join(dir, 'bad.tar');
  const generated = writeOciArchive(file, [[{ name: 'x', data: crypto.randomBytes(3000) }]]);
  const entry = indexTar(file).get(`blobs/sha256/${generated.layers[0]!.slice(7)}`)!;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.from('XX'), 0, 2, entry.offset + 100);
  fs.closeSync(fd);
  const archive = readOciArchive(file);
  await expect(verifyBlobs(archive, generated.layers)).rejects.toThrow(/blob digest mismatch/);
});

test('an index with several manifests needs a ref name', () => {
  const file = path.join(dir, 'multi');
  fs.mkdirSync(path.join(file, 'blobs', 'sha256'), { recursive: true });
  const first = writeOciArchive(path.join(dir, 'one.tar'), [[{ name: 'x', data: Buffer.from('1') }]]);
  execFileSync('tar', ['-xf', first.file, '-C', file]);
  const index = JSON.parse(fs.readFileSync(path.join(file, 'index.json'), 'utf8'));
  index.manifests[0].annotations = { 'org.opencontainers.image.ref.name': 'one' };
  index.manifests.push({
    ...index.manifests[0],
    annotations: { 'org.opencontainers.image.ref.name': 'two' },
  });
  fs.writeFileSync(path.join(file, 'index.json'), JSON.stringify(index));
  const tar = path.join(dir, 'multi.tar');
  execFileSync('tar', ['-cf', tar, '-C', file, 'oci-layout', 'index.json', 'blobs']);
  expect(() => readOciArchive(tar)).toThrow(/lists 2 manifests/);
  expect(readOciArchive(tar, { refName: 'one' }).refName).toBe('one');
});
