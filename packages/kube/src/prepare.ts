import type { SecretRedactor } from '@alt-las/action-kit';
import { annotateWorkloads, type ReleaseStamp } from './annotate';
import type { KubeObject, SourcedObject } from './kube-object';
import { resolveManifestSources } from './manifest-files';
import { loadManifests, type KustomizeRenderer } from './manifest-loader';
import { pinImages, type PinnedImage, type ReleasedImage } from './pin-images';
import { labelManaged } from './prune';
import { buildSecrets, type SecretsSpec } from './secret-objects';
import { orderObjects, validateObjects } from './validate';

export interface PlanOptions {
  manifests: string[];
  workspace: string;
  namespace: string;
  vars: Record<string, string>;
  images: ReleasedImage[];
  secrets: SecretsSpec;
  env: NodeJS.ProcessEnv;
  stamp: ReleaseStamp;
  redactor: SecretRedactor;
  kustomize: KustomizeRenderer;
}

export interface Plan {
  objects: KubeObject[];
  pins: PinnedImage[];
  unpinnedThirdParty: string[];
}

/**
 * Everything before the cluster, offline: load and substitute, validate, add the Secrets from the
 * environment, order, pin images by digest and stamp the workloads. Any problem is a
 * ConfigurationError raised before a single object is applied.
 */
export async function preparePlan(options: PlanOptions): Promise<Plan> {
  const sources = resolveManifestSources(options.manifests, options.workspace);
  const loaded = await loadManifests(sources, options);
  const secrets: SourcedObject[] = buildSecrets(
    options.secrets,
    options.namespace,
    options.env,
    options.redactor,
  ).map((object) => ({ object, file: 'input "secrets"', line: 1 }));
  const validated = orderObjects(validateObjects([...loaded, ...secrets], options.namespace));
  const { pins, unpinnedThirdParty } = pinImages(validated, options.images);
  const objects = validated.map(({ object }) => object);
  annotateWorkloads(objects, options.stamp, new Set(pins.map((pin) => pin.object)));
  labelManaged(objects);
  return { objects, pins, unpinnedThirdParty };
}
