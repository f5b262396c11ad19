import { systemClock, type Clock, type Logger } from '@alt-las/action-kit';
import type { OciArchive } from './archive';
import { concurrencyLimit } from './concurrency';
import type { OciDescriptor } from './media-types';
import type { RegistryClient } from './registry-client';

export interface ImageToPublish {
  /** Service name, for logs and reports. */
  name: string;
  /** `host/path` of the target repository. */
  repository: string;
  archive: OciArchive;
  tags: string[];
}

export type TagState = 'pushed' | 'unchanged' | 'missing';

export interface PublishedImage {
  name: string;
  repository: string;
  digest: string;
  /** Whether `repository@digest` exists in the registry at the end (pushed now or before). */
  manifest: 'pushed' | 'present' | 'missing';
  tags: { tag: string; state: TagState }[];
  blobsUploaded: number;
  blobsMounted: number;
  blobsSkipped: number;
  bytesUploaded: number;
  bytesSkipped: number;
  durationMs: number;
}

export interface PublishReport {
  images: PublishedImage[];
  /** The failure that stopped the push; the images show exactly what exists. */
  error?: unknown;
}

/** `repository@digest` and `repository:tag` for each state, for summaries and outputs. */
export function refsOf(image: PublishedImage): { existing: string[]; missing: string[] } {
  const existing: string[] = [];
  const missing: string[] = [];
  (image.manifest === 'missing' ? missing : existing).push(`${image.repository}@${image.digest}`);
  for (const { tag, state } of image.tags)
    (state === 'missing' ? missing : existing).push(`${image.repository}:${tag}`);
  return { existing, missing };
}

/**
 * Pushes archives so no reader ever sees half a release: every blob of every image first (skipping
 * what the registry has, mounting what another image of this release just uploaded), then each
 * manifest by digest, and only then the tags. On failure the report says what exists.
 */
export async function publishImages(
  client: RegistryClient,
  images: ImageToPublish[],
  options: { concurrency: number; logger: Logger; clock?: Clock },
): Promise<PublishReport> {
  const clock = options.clock ?? systemClock;
  const { logger } = options;
  const started = clock.now();
  const limit = concurrencyLimit(options.concurrency);
  const states = images.map<PublishedImage>((image) => ({
    name: image.name,
    repository: image.repository,
    digest: image.archive.manifestDigest,
    manifest: 'missing',
    tags: image.tags.map((tag) => ({ tag, state: 'missing' })),
    blobsUploaded: 0,
    blobsMounted: 0,
    blobsSkipped: 0,
    bytesUploaded: 0,
    bytesSkipped: 0,
    durationMs: 0,
  }));
  const finish = (state: PublishedImage) => (state.durationMs = clock.now() - started);
  try {
    const missing = await logger.group('Check what the registry already has', () =>
      findMissingBlobs(client, images, states, limit, logger),
    );
    await logger.group('Upload blobs', () => uploadBlobs(client, images, states, missing, limit, logger));
    await logger.group('Push manifests by digest', () =>
      settleAll(
        images.map(async (image, i) => {
          const state = states[i]!;
          if (state.manifest === 'present') return;
          await client.putManifest(
            image.repository,
            image.archive.manifestDigest,
            image.archive.manifestBytes,
            image.archive.manifestMediaType,
            image.archive.manifestDigest,
          );
          state.manifest = 'pushed';
          logger.info(`${image.name}: pushed ${image.repository}@${image.archive.manifestDigest}`);
        }),
      ),
    );
    await logger.group('Push tags', () =>
      settleAll(
        images.map(async (image, i) => {
          const state = states[i]!;
          await settleAll(
            state.tags.map(async (entry) => {
              // A manifest that was new a moment ago cannot be under a tag yet: no need to ask.
              const current =
                state.manifest === 'present'
                  ? await client.manifestDigest(image.repository, entry.tag)
                  : undefined;
              if (current === image.archive.manifestDigest) {
                entry.state = 'unchanged';
              } else {
                await client.putManifest(
                  image.repository,
                  entry.tag,
                  image.archive.manifestBytes,
                  image.archive.manifestMediaType,
                  image.archive.manifestDigest,
                );
                entry.state = 'pushed';
              }
              logger.info(`${image.name}: ${image.repository}:${entry.tag} ${entry.state}`);
            }),
          );
          finish(state);
        }),
      ),
    );
    return { images: states };
  } catch (error) {
    for (const state of states) if (state.durationMs === 0) finish(state);
    return { images: states, error };
  }
}

interface MissingBlobs {
  image: number;
  blobs: OciDescriptor[];
}

async function findMissingBlobs(
  client: RegistryClient,
  images: ImageToPublish[],
  states: PublishedImage[],
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  logger: Logger,
): Promise<MissingBlobs[]> {
  return Promise.all(
    images.map(async (image, i) => {
      const state = states[i]!;
      const { archive } = image;
      // A manifest the registry accepted guarantees its blobs are there: nothing to check or send.
      if (
        (await client.manifestDigest(image.repository, archive.manifestDigest)) === archive.manifestDigest
      ) {
        state.manifest = 'present';
        state.blobsSkipped = archive.blobs.length;
        state.bytesSkipped = archive.blobs.reduce((sum, blob) => sum + blob.size, 0);
        logger.info(`${image.name}: ${image.repository}@${archive.manifestDigest} already present`);
        return { image: i, blobs: [] };
      }
      const present = await Promise.all(
        archive.blobs.map((blob) => limit(() => client.blobExists(image.repository, blob.digest))),
      );
      const blobs = archive.blobs.filter((_, j) => !present[j]);
      for (const blob of archive.blobs.filter((_, j) => present[j])) {
        state.blobsSkipped++;
        state.bytesSkipped += blob.size;
      }
      logger.info(`${image.name}: ${blobs.length} of ${archive.blobs.length} blobs to send`);
      return { image: i, blobs };
    }),
  );
}

async function uploadBlobs(
  client: RegistryClient,
  images: ImageToPublish[],
  states: PublishedImage[],
  missing: MissingBlobs[],
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  logger: Logger,
): Promise<void> {
  // The first image to need a blob uploads it; the others wait for it and mount it from there.
  const owners = new Map<string, { repository: string; done: Promise<unknown> }>();
  const tasks: Promise<void>[] = [];
  for (const { image: i, blobs } of missing) {
    const image = images[i]!;
    const state = states[i]!;
    for (const blob of blobs) {
      const owner = owners.get(blob.digest);
      const task = owner
        ? owner.done.then(() =>
            owner.repository === image.repository
              ? skip(state, blob)
              : limit(() =>
                  client.putBlob(
                    image.repository,
                    blob,
                    (range) => image.archive.openBlob(blob.digest, range),
                    owner.repository,
                  ),
                ).then((how) => record(state, blob, how, image.name, logger)),
          )
        : limit(() =>
            client.putBlob(image.repository, blob, (range) => image.archive.openBlob(blob.digest, range)),
          ).then((how) => record(state, blob, how, image.name, logger));
      if (!owner) owners.set(blob.digest, { repository: image.repository, done: task });
      tasks.push(task);
    }
  }
  await settleAll(tasks);
}

/**
 * Waits for every task before failing, so that when the report is written no request is still in
 * flight and each image's state is final.
 */
async function settleAll<T>(tasks: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

function skip(state: PublishedImage, blob: OciDescriptor): void {
  state.blobsSkipped++;
  state.bytesSkipped += blob.size;
}

function record(
  state: PublishedImage,
  blob: OciDescriptor,
  how: 'uploaded' | 'mounted',
  name: string,
  logger: Logger,
): void {
  if (how === 'mounted') {
    state.blobsMounted++;
    state.bytesSkipped += blob.size;
  } else {
    state.blobsUploaded++;
    state.bytesUploaded += blob.size;
  }
  logger.info(`${name}: ${how} ${blob.digest.slice(0, 19)} (${blob.size} bytes)`);
}
