import * as path from 'node:path';
import {
  altLasExpectations,
  cloneDocuments,
  loadManifestDirectory,
  type ManifestDocument,
  type PolicyExpectations,
} from '@alt-las/manifest-policy';
import { loadServicesFile } from '@alt-las/release-model';
import { repoRoot } from '../harness/paths';

export const manifestDirectory = path.join(repoRoot, 'kubernetes', 'production');

/** Values for the variables k8s-deploy fills in (its `vars` allow-list). */
export const sampleVars = {
  IMAGE_REGISTRY: 'ghcr.io',
  IMAGE_OWNER: 'alt-las-org',
  RELEASE_VERSION: '1.4.2',
  API_HOST: 'api.alt-las.example',
  MONITORING_HOST: 'grafana.alt-las.example',
  ACME_EMAIL: 'ops@alt-las.example',
};

/** Replica counts of the ALT_LAS production plan. */
export const productionReplicas = {
  'api-gateway': 3,
  'segmentation-service': 2,
  'ai-orchestrator': 2,
  'archive-service': 2,
  postgres: 1,
};

let cached: ManifestDocument[] | undefined;

/** The rendered production manifests; callers get their own copy to change. */
export function productionDocuments(): ManifestDocument[] {
  cached ??= loadManifestDirectory(manifestDirectory, sampleVars);
  return cloneDocuments(cached);
}

export function productionExpectations(): PolicyExpectations {
  const { services } = loadServicesFile(path.join(repoRoot, 'services.yaml'));
  return altLasExpectations({
    services: services.map((service) => ({
      name: service.name,
      image: service.image,
      port: service.port,
      health: service.healthPath,
    })),
    replicas: productionReplicas,
    vars: sampleVars,
  });
}

/** A manifest object that a mutation test edits freely, at any depth. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary Kubernetes objects
export type Editable = Record<string, any>;

/** The object `kind` `name` (in `namespace`, default atlas-production) of a document list. */
export function objectOf(
  documents: ManifestDocument[],
  kind: string,
  name: string,
  namespace = 'atlas-production',
): Editable {
  const found = documents.find(
    (document) =>
      document.object.kind === kind &&
      document.object.metadata?.name === name &&
      (document.object.metadata?.namespace ?? namespace) === namespace,
  );
  if (!found) throw new Error(`${kind} ${namespace}/${name} is not in the manifests`);
  return found.object as Editable;
}

export function remove(
  documents: ManifestDocument[],
  kind: string,
  name: string,
  namespace = 'atlas-production',
): void {
  const object = objectOf(documents, kind, name, namespace);
  documents.splice(
    documents.findIndex((document) => document.object === object),
    1,
  );
}

/** The pod spec of a workload. */
export function podSpecOf(
  documents: ManifestDocument[],
  kind: string,
  name: string,
  namespace?: string,
): Editable {
  return objectOf(documents, kind, name, namespace).spec.template.spec;
}
