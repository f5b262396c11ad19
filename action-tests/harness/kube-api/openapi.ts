import { groupVersions, RESOURCE_TYPES, type ResourceType } from './resources';
import type { KubeObject } from './types';

/**
 * OpenAPI v3, only as far as kubectl reads it: the root index of group versions, and per group version
 * the PATCH operations with their query parameters and `x-kubernetes-group-version-kind`, from which
 * kubectl decides that the server validates fields (`fieldValidation`) and supports `dryRun`.
 * No schemas are served, so the stand-in does not validate field names.
 */
const PATCH_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string' },
}));

const pathOf = ({ group, version }: { group: string; version: string }) =>
  group ? `apis/${group}/${version}` : `api/${version}`;

function root(): KubeObject {
  const paths: KubeObject = {};
  for (const { group, versions } of groupVersions())
    for (const version of versions)
      paths[pathOf({ group, version })] = {
        serverRelativeURL: `/openapi/v3/${pathOf({ group, version })}?hash=standin`,
      };
  return { paths };
}

function objectPath(type: ResourceType): string {
  const base = `/${pathOf(type)}`;
  return type.namespaced
    ? `${base}/namespaces/{namespace}/${type.plural}/{name}`
    : `${base}/${type.plural}/{name}`;
}

function groupVersionDocument(types: ResourceType[]): KubeObject {
  const paths: KubeObject = {};
  for (const type of types) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    paths[objectPath(type)] = {
      get: { 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: {} },
      patch: {
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        parameters: PATCH_PARAMETERS,
        responses: {},
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}

/** The document at /openapi/<segments>, or undefined (404). */
export function openApiDocument(segments: string[]): KubeObject | undefined {
  if (segments[0] !== 'v3') return undefined;
  if (segments.length === 1) return root();
  const wanted = segments.slice(1).join('/');
  const types = RESOURCE_TYPES.filter((type) => pathOf(type) === wanted);
  return types.length > 0 ? groupVersionDocument(types) : undefined;
}
