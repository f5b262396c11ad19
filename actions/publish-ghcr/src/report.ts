import { formatDuration, SummaryBuilder, errorMessage } from '@alt-las/action-kit';
import { refsOf, type PublishedImage, type PublishReport } from '@alt-las/oci';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const shortDigest = (digest: string) => digest.slice(0, 19);

function tagsCell(image: PublishedImage): string {
  return image.tags.map(({ tag, state }) => (state === 'missing' ? `~~${tag}~~` : tag)).join(', ');
}

/** The job summary: one row per image, and on failure exactly which refs exist and which do not. */
export function publishSummary(
  title: string,
  report: PublishReport,
  redact: (text: string) => string,
): SummaryBuilder {
  const summary = new SummaryBuilder().heading(title);
  summary.table(
    ['Service', 'Image', 'Digest', 'Tags', 'Uploaded', 'Skipped', 'Time'],
    report.images.map((image) => [
      image.name,
      image.repository,
      `\`${shortDigest(image.digest)}\`${image.manifest === 'missing' ? ' (not pushed)' : ''}`,
      tagsCell(image),
      `${formatBytes(image.bytesUploaded)} (${image.blobsUploaded} blobs)`,
      `${formatBytes(image.bytesSkipped)} (${image.blobsSkipped + image.blobsMounted} blobs${
        image.blobsMounted > 0 ? `, ${image.blobsMounted} mounted` : ''
      })`,
      formatDuration(image.durationMs),
    ]),
  );
  if (report.error !== undefined) {
    const existing = report.images.flatMap((image) => refsOf(image).existing);
    const missing = report.images.flatMap((image) => refsOf(image).missing);
    summary.paragraph(`**Publishing failed:** ${redact(errorMessage(report.error))}`);
    summary.paragraph(
      'Tags are written only after their manifest exists, so every ref below that exists points at a complete image.',
    );
    summary.paragraph('**Refs that exist in the registry:**');
    summary.list(existing.length > 0 ? existing.map((ref) => `\`${ref}\``) : ['none']);
    summary.paragraph('**Refs that were not pushed:**');
    summary.list(missing.length > 0 ? missing.map((ref) => `\`${ref}\``) : ['none']);
  }
  return summary;
}
