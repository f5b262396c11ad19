import type { PolicyExpectations } from './expectations';
import type { Finding } from './findings';
import type { ManifestDocument } from './manifest-set';
import { policyContext, type PolicyRule } from './rule';
import { resourcesRule, securityContextRule } from './rules/container-security-rules';
import { configAndSecretsRule, noSecretDataRule } from './rules/config-rules';
import { ingressTlsRule } from './rules/exposure-rules';
import { monitoringRule } from './rules/monitoring-rules';
import { namespaceRule } from './rules/namespace-rules';
import {
  coverageRule,
  defaultDenyRule,
  dnsEgressRule,
  flowsRule,
  portAgreementRule,
} from './rules/network-rules';
import { postgresRule } from './rules/postgres-rules';
import { deployerRbacRule, workloadRbacRule } from './rules/rbac-rules';
import {
  disruptionBudgetRule,
  imagesRule,
  probesRule,
  replicasRule,
  scrapeAnnotationsRule,
  spreadRule,
  writableTmpRule,
} from './rules/workload-rules';

/** Every production rule, in the order a reader would review a manifest. */
export const POLICY_RULES: readonly PolicyRule[] = [
  namespaceRule,
  replicasRule,
  imagesRule,
  probesRule,
  resourcesRule,
  securityContextRule,
  writableTmpRule,
  disruptionBudgetRule,
  spreadRule,
  scrapeAnnotationsRule,
  configAndSecretsRule,
  noSecretDataRule,
  postgresRule,
  ingressTlsRule,
  defaultDenyRule,
  coverageRule,
  dnsEgressRule,
  flowsRule,
  portAgreementRule,
  deployerRbacRule,
  workloadRbacRule,
  monitoringRule,
];

export function checkPolicy(
  documents: ManifestDocument[],
  expect: PolicyExpectations,
  rules: readonly PolicyRule[] = POLICY_RULES,
): Finding[] {
  const context = policyContext(documents, expect);
  return rules.flatMap((rule) => rule.check(context));
}
