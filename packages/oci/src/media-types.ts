/** Media types of the OCI image spec and their Docker schema 2 equivalents, which registries treat alike. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

export const IMAGE_MANIFEST_TYPES = [OCI_MANIFEST, DOCKER_MANIFEST] as const;
export const INDEX_TYPES = [OCI_INDEX, DOCKER_MANIFEST_LIST] as const;

/** What a manifest request accepts, so the registry never converts or downgrades what it stored. */
export const MANIFEST_ACCEPT = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES].join(', ');

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
  annotations?: Record<string, string>;
}

export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
