import { POLICY_RULES, checkPolicy, formatFinding } from '@alt-las/manifest-policy';
import { platformMutations } from './mutations/platform';
import { workloadMutations } from './mutations/workloads';
import { productionDocuments, productionExpectations } from './production-manifests';

const mutations = [...workloadMutations, ...platformMutations];

describe('production policy', () => {
  test('the production manifests break no rule', () => {
    expect(checkPolicy(productionDocuments(), productionExpectations()).map(formatFinding)).toEqual([]);
  });

  test('every rule is proven to bite by at least one mutation', () => {
    const covered = new Set(mutations.map((mutation) => mutation.rule));
    expect(POLICY_RULES.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  test.each(mutations.map((mutation) => [`${mutation.rule}: ${mutation.what}`, mutation] as const))(
    '%s',
    (_name, mutation) => {
      const documents = productionDocuments();
      mutation.mutate(documents);
      const findings = checkPolicy(documents, productionExpectations()).map(formatFinding);
      // Shown whole on failure: one finding per line, the expected one exactly as a user reads it.
      expect(`\n${findings.join('\n')}\n`).toContain(`\n${mutation.expected}\n`);
    },
  );
});
