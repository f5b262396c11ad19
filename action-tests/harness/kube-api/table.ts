import type { KubeObject } from './types';

interface Column {
  name: string;
  type?: string;
  priority?: number;
  cell: (object: KubeObject) => string | number;
}

function age(object: KubeObject): string {
  const created = Date.parse(object.metadata?.creationTimestamp ?? '');
  if (Number.isNaN(created)) return '<unknown>';
  const seconds = Math.max(0, Math.round((Date.now() - created) / 1000));
  return seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)}m`;
}

const containerStatuses = (pod: KubeObject) => (pod.status?.containerStatuses ?? []) as KubeObject[];

export function podPhase(pod: KubeObject): string {
  for (const status of containerStatuses(pod)) {
    const reason = status.state?.waiting?.reason ?? status.state?.terminated?.reason;
    if (reason) return reason;
  }
  return pod.status?.phase ?? 'Pending';
}

const images = (o: KubeObject) =>
  ((o.spec?.template?.spec?.containers ?? []) as KubeObject[]).map((c) => c.image).join(',');

const COLUMNS: Record<string, Column[]> = {
  Deployment: [
    { name: 'Ready', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
    { name: 'Images', priority: 1, cell: images },
  ],
  StatefulSet: [
    { name: 'Ready', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
    { name: 'Images', priority: 1, cell: images },
  ],
  DaemonSet: [
    { name: 'Desired', type: 'integer', cell: (o) => o.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.numberAvailable ?? 0 },
  ],
  Job: [
    { name: 'Status', cell: (o) => (o.status?.succeeded ? 'Complete' : 'Running') },
    { name: 'Completions', cell: (o) => `${o.status?.succeeded ?? 0}/${o.spec?.completions ?? 1}` },
  ],
  ReplicaSet: [
    { name: 'Desired', type: 'integer', cell: (o) => o.spec?.replicas ?? 0 },
    { name: 'Current', type: 'integer', cell: (o) => o.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => o.status?.readyReplicas ?? 0 },
    { name: 'Images', priority: 1, cell: images },
  ],
  Pod: [
    {
      name: 'Ready',
      cell: (o) =>
        `${containerStatuses(o).filter((s) => s.ready).length}/${(o.spec?.containers ?? []).length}`,
    },
    { name: 'Status', cell: podPhase },
    {
      name: 'Restarts',
      type: 'integer',
      cell: (o) => containerStatuses(o).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    },
  ],
  Service: [
    { name: 'Type', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', cell: (o) => o.spec?.clusterIP ?? '<none>' },
    {
      name: 'Port(s)',
      cell: (o) =>
        ((o.spec?.ports ?? []) as KubeObject[]).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','),
    },
  ],
  Event: [
    { name: 'Type', cell: (o) => o.type ?? '' },
    { name: 'Reason', cell: (o) => o.reason ?? '' },
    {
      name: 'Object',
      cell: (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
    },
    { name: 'Message', cell: (o) => o.message ?? '' },
  ],
};

/** The server-side printing kubectl asks for (`Accept: ...;as=Table;g=meta.k8s.io;v=v1`). */
export function toTable(kind: string, objects: KubeObject[], resourceVersion: string): KubeObject {
  const columns: Column[] = [
    { name: 'Name', cell: (o) => o.metadata?.name ?? '' },
    ...(COLUMNS[kind] ?? []),
    { name: 'Age', cell: age },
  ];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type ?? 'string',
      format: c.name === 'Name' ? 'name' : '',
      description: c.name,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((object) => ({
      cells: columns.map((c) => c.cell(object)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
    })),
  };
}

export const wantsTable = (accept: string | undefined) => /as=Table/.test(accept ?? '');
