import * as core from '@actions/core';
import { failureMessage, SecretRedactor, SummaryBuilder, type Logger } from '@alt-las/action-kit';
import {
  openScannedArchive,
  publishImages,
  RegistryClient,
  refsOf,
  releaseTags,
  targetRepository,
  wantsLatest,
  type ImageToPublish,
  type PublishReport,
} from '@alt-las/oci';
import {
  readReleaseManifest,
  updateService,
  writeReleaseManifest,
  type ReleaseManifest,
} from '@alt-las/release-model';
import { readInputs, type PublishInputs } from './inputs';
import { publishSummary } from './report';

export async function run(): Promise<void> {
  const redactor = new SecretRedactor();
  try {
    const inputs = readInputs();
    redactor.add(inputs.token);
    const logger = redactingLogger(redactor);
    const manifest = readReleaseManifest(inputs.releaseManifest);
    if (inputs.dryRun) {
      reportDryRun(manifest, plannedImages(manifest, inputs), inputs);
      return;
    }
    const images = await core.group('Check archives and scan verdicts', async () =>
      prepare(manifest, inputs),
    );
    const client = new RegistryClient({
      registry: inputs.registry,
      credentials: inputs.token
        ? { username: inputs.username || 'token', password: inputs.token }
        : undefined,
      logger,
      deadlineMs: inputs.retryDeadlineMs,
    });
    if (inputs.latest !== 'false') {
      const latest = await core.group('Decide the latest tag', async () => {
        const existing =
          inputs.latest === 'auto'
            ? (await Promise.all(images.map((i) => client.listTags(i.repository)))).flat()
            : [];
        const decision = wantsLatest(manifest.release.version, inputs.latest, existing);
        core.info(
          `${manifest.release.version} ${decision ? 'gets' : 'does not get'} the latest tag (latest: ${inputs.latest})`,
        );
        return decision;
      });
      if (latest) for (const image of images) image.tags.push('latest');
    }
    const report = await publishImages(client, images, { concurrency: inputs.concurrency, logger });
    publishSummary(
      `publish-ghcr: ${manifest.release.version} to ${inputs.registryHost}${report.error ? ' (failed)' : ''}`,
      report,
      (text) => redactor.redact(text),
    ).write();
    if (report.error !== undefined) throw report.error;
    const updated = recordPublish(manifest, report);
    writeReleaseManifest(inputs.releaseManifest, updated);
    setOutputs(report, inputs.releaseManifest);
  } catch (error) {
    core.setFailed(failureMessage(error, (text) => redactor.redact(text)));
  }
}

function prepare(manifest: ReleaseManifest, inputs: PublishInputs): ImageToPublish[] {
  if (manifest.services.length === 0)
    throw new Error(`${inputs.releaseManifest} lists no services to publish`);
  const tags = releaseTags(manifest.release, inputs.tags);
  return manifest.services.map((service) => {
    const archive = openScannedArchive(service, inputs.requireScan);
    const repository = targetRepository(service, inputs.registryHost, inputs.namespace);
    core.info(
      `${service.name}: ${archive.path} ${archive.manifestDigest} (${archive.layers.length} layers) -> ${repository}`,
    );
    return { name: service.name, repository, archive, tags: [...tags] };
  });
}

function recordPublish(manifest: ReleaseManifest, report: PublishReport): ReleaseManifest {
  const pushedAt = new Date().toISOString();
  return report.images.reduce(
    (current, image) =>
      updateService(current, image.name, (service) => ({
        ...service,
        image: image.repository,
        publish: {
          digest: image.digest,
          repository: image.repository,
          refs: refsOf(image).existing,
          bytesUploaded: image.bytesUploaded,
          bytesSkipped: image.bytesSkipped,
          pushedAt,
        },
      })),
    manifest,
  );
}

function setOutputs(report: PublishReport, manifestPath: string): void {
  core.setOutput('digests', JSON.stringify(Object.fromEntries(report.images.map((i) => [i.name, i.digest]))));
  core.setOutput('refs', report.images.flatMap((image) => refsOf(image).existing).join('\n'));
  core.setOutput('release-manifest', manifestPath);
}

type PlannedImage = Omit<ImageToPublish, 'archive'> & { archive?: ImageToPublish['archive'] };

/**
 * What a dry run would push. A release planned end to end in dry run has no archives yet: those
 * services are listed with their refs and "not built yet"; built ones are checked like a real push.
 */
function plannedImages(manifest: ReleaseManifest, inputs: PublishInputs): PlannedImage[] {
  if (manifest.services.length === 0)
    throw new Error(`${inputs.releaseManifest} lists no services to publish`);
  const tags = releaseTags(manifest.release, inputs.tags);
  return manifest.services.map((service) => ({
    name: service.name,
    repository: targetRepository(service, inputs.registryHost, inputs.namespace),
    archive: service.build ? openScannedArchive(service, inputs.requireScan) : undefined,
    tags: [...tags],
  }));
}

function reportDryRun(manifest: ReleaseManifest, images: PlannedImage[], inputs: PublishInputs): void {
  const latestNote =
    inputs.latest === 'auto'
      ? 'latest: decided from the registry tags at publish time'
      : `latest: ${inputs.latest === 'true' ? 'will be tagged' : 'not tagged'}`;
  if (inputs.latest === 'true') for (const image of images) image.tags.push('latest');
  const refs = images.flatMap((image) => [
    ...(image.archive ? [`${image.repository}@${image.archive.manifestDigest}`] : []),
    ...image.tags.map((tag) => `${image.repository}:${tag}`),
  ]);
  new SummaryBuilder()
    .heading(`publish-ghcr (dry run): ${manifest.release.version} to ${inputs.registryHost}`)
    .table(
      ['Service', 'Image', 'Digest', 'Tags', 'Size'],
      images.map((image) => [
        image.name,
        image.repository,
        image.archive ? `\`${image.archive.manifestDigest.slice(0, 19)}\`` : 'not built yet',
        image.tags.join(', '),
        image.archive?.size ?? '',
      ]),
    )
    .paragraph(`Nothing was pushed. ${latestNote}.`)
    .write();
  core.setOutput(
    'digests',
    JSON.stringify(Object.fromEntries(images.map((i) => [i.name, i.archive?.manifestDigest ?? '']))),
  );
  core.setOutput('refs', refs.join('\n'));
  core.setOutput('release-manifest', inputs.releaseManifest);
}

/** Registry messages never carry the token, but anything logged passes the redactor regardless. */
function redactingLogger(redactor: SecretRedactor): Logger {
  return {
    debug: (message) => core.debug(redactor.redact(message)),
    info: (message) => core.info(redactor.redact(message)),
    warning: (message) => core.warning(redactor.redact(message)),
    group: (name, fn) => core.group(redactor.redact(name), fn),
  };
}
