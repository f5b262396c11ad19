import { ConfigurationError } from '@alt-las/action-kit';

export interface LabelContext {
  /** `owner/repo` of the repository the image is built from. */
  repository?: string;
  serverUrl?: string;
  revision?: string;
  version: string;
  /** RFC 3339 time of the build. */
  created: string;
  title: string;
}

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/**
 * The OCI annotations every image carries. `source` is what links a GHCR package to its
 * repository; user labels come last so a user can override any of them on purpose.
 */
export function ociLabels(
  context: LabelContext,
  userLabels: Record<string, string> = {},
): Record<string, string> {
  const labels: Record<string, string> = {};
  const server = (context.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
  if (context.repository) {
    labels['org.opencontainers.image.source'] = `${server}/${context.repository}`;
    labels['org.opencontainers.image.url'] = `${server}/${context.repository}`;
  }
  if (context.revision) labels['org.opencontainers.image.revision'] = context.revision;
  labels['org.opencontainers.image.version'] = context.version;
  labels['org.opencontainers.image.created'] = context.created;
  labels['org.opencontainers.image.title'] = context.title;
  for (const [key, value] of Object.entries(userLabels)) {
    if (!LABEL_KEY.test(key)) {
      throw new ConfigurationError(
        `input "labels": "${key}" is not a label name; expected letters, digits and . _ / -`,
        'labels',
      );
    }
    labels[key] = value;
  }
  return labels;
}

/** Labels without `created`: two builds that differ only in time are the same build. */
export function stableLabels(labels: Record<string, string>): Record<string, string> {
  const { ['org.opencontainers.image.created']: _created, ...rest } = labels;
  return rest;
}
