import type { ManifestDocument } from '@alt-las/manifest-policy';

/** A change to a copy of the production manifests and the finding it must produce. */
export interface Mutation {
  rule: string;
  what: string;
  mutate: (documents: ManifestDocument[]) => void;
  /** The finding, exactly as reported: file: document: field: message [rule]. */
  expected: string;
}

export const GATEWAY = 'api-gateway.yaml: Deployment atlas-production/api-gateway (document 2)';
export const SEGMENTATION =
  'segmentation-service.yaml: Deployment atlas-production/segmentation-service (document 2)';
export const ORCHESTRATOR = 'ai-orchestrator.yaml: Deployment atlas-production/ai-orchestrator (document 2)';
export const ARCHIVE = 'archive-service.yaml: Deployment atlas-production/archive-service (document 2)';
export const POSTGRES = 'postgres.yaml: StatefulSet atlas-production/postgres (document 3)';
export const PROMETHEUS = 'monitoring.yaml: Deployment atlas-production/prometheus (document 8)';
export const GRAFANA = 'monitoring.yaml: Deployment atlas-production/grafana (document 14)';
export const CONTAINER = 'spec.template.spec.containers[0]';
