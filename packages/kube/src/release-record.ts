import { updateService, type ReleaseManifest, type ServiceRelease } from '@alt-las/release-model';
import type { PinnedImage } from './pin-images';

type DeploySection = NonNullable<ServiceRelease['deploy']>;

/** Adds each service's `deploy` section: its workload, the image it runs pinned, and its revisions. */
export function withDeploySections(
  manifest: ReleaseManifest,
  run: {
    result: DeploySection['result'];
    namespace: string;
    revisions: Record<string, { before: string | null; after: string | null }>;
    pins: PinnedImage[];
    at: Date;
  },
): ReleaseManifest {
  let updated = manifest;
  for (const service of manifest.services) {
    const workload = `${service.workload?.kind ?? 'Deployment'}/${service.workload?.name ?? service.name}`;
    const pin = run.pins.find((entry) => entry.source === service.name);
    const revision = run.revisions[workload];
    updated = updateService(updated, service.name, (entry) => ({
      ...entry,
      deploy: {
        result: run.result,
        namespace: run.namespace,
        workload,
        ...(pin ? { image: pin.after } : {}),
        revisionBefore: revision?.before ?? null,
        revisionAfter: revision?.after ?? null,
        deployedAt: run.at.toISOString(),
      },
    }));
  }
  return updated;
}
