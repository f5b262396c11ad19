import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

const sha256 = (data: Buffer) => `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;

function tarHeader(name: string, size: number, type = '0'): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write(type === '5' ? '0000755\0' : '0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write(type, 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

/** A ustar archive of the given files (names under 100 characters). */
export function tarOf(files: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const { name, data } of files) {
    parts.push(tarHeader(name, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export interface GeneratedImage {
  file: string;
  digest: string;
  layers: string[];
  size: number;
}

/**
 * Writes an OCI image layout tar with gzip layers holding the given files, the way buildah does,
 * with a valid config (diff_ids). Layers passed as the same Buffer content share a digest, so
 * images can share base layers like real ones.
 */
export function writeOciArchive(
  file: string,
  layers: { name: string; data: Buffer }[][],
  label = 'test',
): GeneratedImage {
  const blobs = new Map<string, Buffer>();
  const descriptors = layers.map((files) => {
    const tar = tarOf(files);
    // Random content does not compress; level 1 keeps generation fast for large fixtures.
    const gz = zlib.gzipSync(tar, { level: 1 });
    const digest = sha256(gz);
    blobs.set(digest, gz);
    return {
      descriptor: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: gz.length },
      diffId: sha256(tar),
    };
  });
  const config = Buffer.from(
    JSON.stringify({
      created: '2026-01-01T00:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.opencontainers.image.title': label } },
      rootfs: { type: 'layers', diff_ids: descriptors.map((d) => d.diffId) },
    }),
  );
  const configDigest = sha256(config);
  blobs.set(configDigest, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: descriptors.map((d) => d.descriptor),
    }),
  );
  const digest = sha256(manifest);
  blobs.set(digest, manifest);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: manifest.length }],
    }),
  );
  const entries = [
    { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion": "1.0.0"}') },
    { name: 'index.json', data: index },
    ...[...blobs].map(([blobDigest, data]) => ({ name: `blobs/sha256/${blobDigest.slice(7)}`, data })),
  ];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, tarOf(entries));
  return {
    file,
    digest,
    layers: descriptors.map((d) => d.descriptor.digest),
    size: [...blobs.values()].reduce((sum, data) => sum + data.length, 0),
  };
}

const STORAGE = ['--storage-driver', 'vfs'];

/**
 * Builds a real image with buildah (FROM scratch or a previous image, COPY of `files`) and writes
 * it as an OCI archive. Returns the local image name so later builds can start FROM it.
 */
export function buildahArchive(options: {
  dir: string;
  name: string;
  from?: string;
  files: Record<string, string>;
  archive: string;
}): string {
  const context = path.join(options.dir, `context-${options.name}`);
  fs.mkdirSync(context, { recursive: true });
  for (const [name, content] of Object.entries(options.files))
    fs.writeFileSync(path.join(context, name), content);
  const containerfile = [
    `FROM ${options.from ?? 'scratch'}`,
    ...Object.keys(options.files).map((name) => `COPY ${name} /${name}`),
  ].join('\n');
  fs.writeFileSync(path.join(context, 'Containerfile'), `${containerfile}\n`);
  const image = `localhost/alt-las-test-${options.name}-${process.pid}:latest`;
  execFileSync('buildah', [...STORAGE, 'bud', '--isolation', 'chroot', '--quiet', '-t', image, context], {
    stdio: 'pipe',
  });
  execFileSync('buildah', [...STORAGE, 'push', '--quiet', image, `oci-archive:${options.archive}`], {
    stdio: 'pipe',
  });
  return image;
}

export function removeBuildahImages(images: string[]): void {
  for (const image of images) {
    try {
      execFileSync('buildah', [...STORAGE, 'rmi', image], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}
