import { groupVersion, groupVersions, RESOURCE_TYPES, verbsOf, type ResourceType } from './resources';
import type { KubeObject } from './types';

/** Kinds `kubectl get all` lists. */
const ALL_CATEGORY = new Set([
  'Pod',
  'Service',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
]);

export const versionInfo = () => ({
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
});

export const coreVersions = (address: string) => ({
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }],
});

function groupEntry(group: string, versions: string[]): KubeObject {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export const apiGroupList = () => ({
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: groupVersions()
    .filter((g) => g.group !== '')
    .map((g) => groupEntry(g.group, g.versions)),
});

export function apiGroup(group: string): KubeObject | undefined {
  const entry = groupVersions().find((g) => g.group === group && group !== '');
  return entry && { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, entry.versions) };
}

function resourceEntries(type: ResourceType): KubeObject[] {
  const main: KubeObject = {
    name: type.plural,
    singularName: type.kind.toLowerCase(),
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: verbsOf(type),
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(ALL_CATEGORY.has(type.kind) ? { categories: ['all'] } : {}),
  };
  const subresources = (type.subresources ?? []).map((sub) => ({
    name: `${type.plural}/${sub}`,
    singularName: '',
    namespaced: type.namespaced,
    ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: type.kind }),
    verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
  }));
  return [main, ...subresources];
}

/** The APIResourceList of one group version, or undefined when the stand-in does not serve it. */
export function apiResourceList(group: string, version: string): KubeObject | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(types[0]!),
    resources: types.flatMap(resourceEntries),
  };
}

/** The media type of aggregated discovery (one request for every group's resources). */
export const AGGREGATED_DISCOVERY = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export const wantsAggregatedDiscovery = (accept: string | undefined) =>
  /g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/.test(accept ?? '');

function discoveryResource(type: ResourceType): KubeObject {
  const kind = { group: type.group, version: type.version, kind: type.kind };
  return {
    resource: type.plural,
    responseKind: kind,
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.kind.toLowerCase(),
    verbs: verbsOf(type),
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(ALL_CATEGORY.has(type.kind) ? { categories: ['all'] } : {}),
    ...(type.subresources
      ? {
          subresources: type.subresources.map((sub) => ({
            subresource: sub,
            responseKind: sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : kind,
            verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
          })),
        }
      : {}),
  };
}

/** Aggregated discovery for `/api` (core, `legacy`) or `/apis` (every named group). */
export function aggregatedDiscovery(legacy: boolean): KubeObject {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groupVersions()
      .filter((g) => (g.group === '') === legacy)
      .map((g) => ({
        metadata: { name: g.group },
        versions: g.versions.map((version) => ({
          version,
          resources: RESOURCE_TYPES.filter((t) => t.group === g.group && t.version === version).map(
            discoveryResource,
          ),
          freshness: 'Current',
        })),
      })),
  };
}
