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
