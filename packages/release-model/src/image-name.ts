import { ConfigurationError } from '@alt-las/action-kit';

/** OCI distribution repository path component grammar (lower-case only). */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** `ghcr.io` + `Owner` + `alt-las-api` -> `ghcr.io/owner/alt-las-api`; registries and owners are case-insensitive. */
export function imageRepository(registry: string, namespace: string, name: string): string {
  const repository = [registry.toLowerCase().replace(/\/+$/, ''), namespace.toLowerCase(), name.toLowerCase()]
    .filter((part) => part !== '')
    .join('/');
  const [, ...path] = repository.split('/');
  for (const component of path.join('/').split('/')) {
    if (!COMPONENT.test(component)) {
      throw new ConfigurationError(
        `"${repository}" is not a valid image repository: "${component}" must be lower-case letters, digits and single separators (. _ -)`,
        'namespace',
      );
    }
  }
  return repository;
}

export interface ImageReference {
  /** Registry host, with port if any (`localhost:5000`). */
  registry: string;
  /** Repository path without the registry. */
  path: string;
  tag?: string;
  digest?: string;
}

/** Splits `host[:port]/path[:tag][@sha256:...]`; a first component without `.`/`:` is not a host (Docker Hub). */
export function parseImageReference(reference: string): ImageReference {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  const firstSlash = rest.indexOf('/');
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : '';
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first, path: rest.slice(firstSlash + 1), tag, digest };
  }
  return { registry: 'docker.io', path: rest.includes('/') ? rest : `library/${rest}`, tag, digest };
}

export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.path}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
