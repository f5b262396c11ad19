import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { ConfigurationError } from '@alt-las/action-kit';
import { indexTar, TarFormatError, type TarEntry } from './tar-index';
import {
  DIGEST_PATTERN,
  IMAGE_MANIFEST_TYPES,
  INDEX_TYPES,
  OCI_MANIFEST,
  type OciDescriptor,
  type OciManifest,
} from './media-types';

/** The archive is missing, is not an OCI layout, or its content does not match its digests. */
export class OciArchiveError extends ConfigurationError {
  constructor(archive: string, problem: string) {
    super(`OCI archive ${archive}: ${problem}`, 'release-manifest');
  }
}

export interface OciArchive {
  path: string;
  /** Digest of the image manifest: the image's identity in every registry. */
  manifestDigest: string;
  manifestMediaType: string;
  /** The manifest exactly as stored; pushing these bytes preserves the digest. */
  manifestBytes: Buffer;
  manifest: OciManifest;
  config: Record<string, unknown>;
  configDescriptor: OciDescriptor;
  layers: OciDescriptor[];
  /** Config then layers: every blob the manifest references. */
  blobs: OciDescriptor[];
  /** Bytes of manifest, config and layers. */
  size: number;
  /** `org.opencontainers.image.ref.name` of the manifest in index.json, when set. */
  refName?: string;
  hasBlob(digest: string): boolean;
  /** Streams a blob (optionally a byte range, end exclusive) straight from the tar. */
  openBlob(digest: string, range?: { start: number; end: number }): Readable;
  readBlob(digest: string): Buffer;
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
}

function blobPath(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return `blobs/${algorithm}/${hex}`;
}

function parseJson<T>(archive: string, what: string, bytes: Buffer): T {
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch (error) {
    throw new OciArchiveError(archive, `${what} is not valid JSON (${(error as Error).message})`);
  }
}

function checkDescriptor(
  archive: string,
  what: string,
  descriptor: OciDescriptor | undefined,
): OciDescriptor {
  if (
    !descriptor ||
    typeof descriptor.mediaType !== 'string' ||
    typeof descriptor.digest !== 'string' ||
    !DIGEST_PATTERN.test(descriptor.digest) ||
    !Number.isSafeInteger(descriptor.size) ||
    descriptor.size < 0
  ) {
    throw new OciArchiveError(archive, `${what} is not a valid sha256 descriptor`);
  }
  return descriptor;
}

/**
 * Opens an OCI image layout tar (what `buildah push img oci-archive:file` and `skopeo copy ...
 * oci-archive:file` write). The index, manifest and config are read and checked against their
 * digests; layers are checked for presence and size here and hashed by `verifyBlobs` on demand,
 * because hashing gigabytes is only worth it for blobs that will actually be sent.
 */
export function readOciArchive(file: string, options: { refName?: string } = {}): OciArchive {
  if (!fs.existsSync(file)) throw new OciArchiveError(file, 'does not exist');
  if (!fs.statSync(file).isFile()) throw new OciArchiveError(file, 'is not a file');
  let entries: Map<string, TarEntry>;
  try {
    entries = indexTar(file);
  } catch (error) {
    if (error instanceof TarFormatError)
      throw new OciArchiveError(file, `not a readable tar (${error.message})`);
    throw error;
  }
  const read = (entry: TarEntry): Buffer => {
    const buffer = Buffer.alloc(entry.size);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buffer, 0, entry.size, entry.offset);
    } finally {
      fs.closeSync(fd);
    }
    return buffer;
  };
  const entry = (name: string, what: string): TarEntry => {
    const found = entries.get(name);
    if (!found) throw new OciArchiveError(file, `${what} (${name}) is missing; is this an OCI image layout?`);
    return found;
  };

  const layout = parseJson<{ imageLayoutVersion?: string }>(
    file,
    'oci-layout',
    read(entry('oci-layout', 'oci-layout')),
  );
  if (typeof layout.imageLayoutVersion !== 'string')
    throw new OciArchiveError(file, 'oci-layout has no imageLayoutVersion');
  const index = parseJson<{ manifests?: OciDescriptor[] }>(
    file,
    'index.json',
    read(entry('index.json', 'index.json')),
  );
  const candidates = (index.manifests ?? []).filter(
    (m) => !options.refName || m.annotations?.['org.opencontainers.image.ref.name'] === options.refName,
  );
  if (candidates.length !== 1) {
    throw new OciArchiveError(
      file,
      candidates.length === 0
        ? `index.json lists no image manifest${options.refName ? ` named "${options.refName}"` : ''}`
        : `index.json lists ${candidates.length} manifests; name one with its org.opencontainers.image.ref.name`,
    );
  }
  const top = checkDescriptor(file, 'the index.json manifest entry', candidates[0]);
  if ((INDEX_TYPES as readonly string[]).includes(top.mediaType))
    throw new OciArchiveError(file, 'holds a multi-platform image index; publish single-platform archives');

  const blobEntry = (descriptor: OciDescriptor, what: string): TarEntry => {
    const found = entry(blobPath(descriptor.digest), `${what} blob ${descriptor.digest}`);
    if (found.size !== descriptor.size)
      throw new OciArchiveError(
        file,
        `${what} blob ${descriptor.digest} has ${found.size} bytes, but its descriptor says ${descriptor.size}`,
      );
    return found;
  };
  const readVerified = (descriptor: OciDescriptor, what: string): Buffer => {
    const bytes = read(blobEntry(descriptor, what));
    const actual = sha256Digest(bytes);
    if (actual !== descriptor.digest)
      throw new OciArchiveError(
        file,
        `${what} digest mismatch: content is ${actual}, expected ${descriptor.digest}`,
      );
    return bytes;
  };

  const manifestBytes = readVerified(top, 'manifest');
  const manifest = parseJson<OciManifest>(file, 'the image manifest', manifestBytes);
  const manifestMediaType = manifest.mediaType ?? top.mediaType ?? OCI_MANIFEST;
  if (!(IMAGE_MANIFEST_TYPES as readonly string[]).includes(manifestMediaType))
    throw new OciArchiveError(file, `manifest media type ${manifestMediaType} is not an image manifest`);
  if (!Array.isArray(manifest.layers))
    throw new OciArchiveError(file, 'the image manifest has no layers list');
  const configDescriptor = checkDescriptor(file, 'the manifest config', manifest.config);
  const layers = manifest.layers.map((layer, i) => checkDescriptor(file, `layer ${i + 1}`, layer));
  const config = parseJson<Record<string, unknown>>(
    file,
    'the image config',
    readVerified(configDescriptor, 'config'),
  );
  const blobs = [configDescriptor, ...layers];
  const located = new Map(blobs.map((d, i) => [d.digest, blobEntry(d, i === 0 ? 'config' : `layer ${i}`)]));
  const locate = (digest: string): TarEntry => {
    const found = located.get(digest);
    if (!found) throw new OciArchiveError(file, `the image does not reference blob ${digest}`);
    return found;
  };

  return {
    path: file,
    manifestDigest: top.digest,
    manifestMediaType,
    manifestBytes,
    manifest,
    config,
    configDescriptor,
    layers,
    blobs,
    size: manifestBytes.length + blobs.reduce((sum, d) => sum + d.size, 0),
    refName: top.annotations?.['org.opencontainers.image.ref.name'],
    hasBlob: (digest) => located.has(digest),
    openBlob: (digest, range) => {
      const { offset, size } = locate(digest);
      const start = offset + (range?.start ?? 0);
      const end = offset + (range?.end ?? size);
      // createReadStream's end is inclusive and cannot describe an empty range.
      return end > start
        ? fs.createReadStream(file, { start, end: end - 1, highWaterMark: 1024 * 1024 })
        : Readable.from([]);
    },
    readBlob: (digest) => read(locate(digest)),
  };
}

/** Hashes each blob from the archive and throws OciArchiveError on the first mismatch. */
export async function verifyBlobs(archive: OciArchive, digests: string[]): Promise<void> {
  for (const digest of digests) {
    const hash = crypto.createHash('sha256');
    for await (const chunk of archive.openBlob(digest)) hash.update(chunk as Buffer);
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest)
      throw new OciArchiveError(
        archive.path,
        `blob digest mismatch: content is ${actual}, expected ${digest}`,
      );
  }
}
