import type { PolicyExpectations } from './expectations';
import type { Finding } from './findings';
import type { ManifestDocument } from './manifest-set';
import { NetworkModel } from './network-model';
import type { PodTemplate } from './pod-templates';

/** What every rule sees: the documents, the expectations and two derived views. */
export interface PolicyContext {
  documents: ManifestDocument[];
  expect: PolicyExpectations;
  pods: PodTemplate[];
  network: NetworkModel;
}

export interface PolicyRule {
  id: string;
  description: string;
  check(context: PolicyContext): Finding[];
}

export function policyContext(documents: ManifestDocument[], expect: PolicyExpectations): PolicyContext {
  const network = new NetworkModel(documents);
  return { documents, expect, pods: network.pods, network };
}
