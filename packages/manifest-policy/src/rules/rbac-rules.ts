import { finding, missing, type Finding } from '../findings';
import { ofKind, type ManifestDocument } from '../manifest-set';
import type { PolicyRule } from '../rule';

interface PolicyRuleEntry {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}
interface Binding {
  roleRef?: { kind?: string; name?: string };
  subjects?: { kind?: string; name?: string; namespace?: string }[];
}

/** The REST resource of a kind: `NetworkPolicy` -> `networkpolicies`, `Ingress` -> `ingresses`. */
export function resourceOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

const rulesOf = (role: ManifestDocument) => (role.object.rules ?? []) as PolicyRuleEntry[];

function grants(
  rules: PolicyRuleEntry[],
  group: string,
  resource: string,
  verb: string,
  name?: string,
): boolean {
  return rules.some(
    (rule) =>
      (rule.apiGroups ?? []).includes(group) &&
      (rule.resources ?? []).includes(resource) &&
      (rule.verbs ?? []).includes(verb) &&
      (!rule.resourceNames || (name !== undefined && rule.resourceNames.includes(name))),
  );
}

function boundTo(
  documents: ManifestDocument[],
  role: ManifestDocument,
  account: string,
  accountNamespace: string,
): boolean {
  const kind = role.object.kind === 'ClusterRole' ? 'ClusterRoleBinding' : 'RoleBinding';
  return ofKind(
    documents,
    kind,
    role.object.kind === 'Role' ? role.object.metadata?.namespace : undefined,
  ).some((binding) => {
    const spec = binding.object as Binding;
    return (
      spec.roleRef?.kind === role.object.kind &&
      spec.roleRef?.name === role.object.metadata?.name &&
      (spec.subjects ?? []).some(
        (subject) =>
          subject.kind === 'ServiceAccount' &&
          subject.name === account &&
          subject.namespace === accountNamespace,
      )
    );
  });
}

export const deployerRbacRule: PolicyRule = {
  id: 'deployer-rbac',
  description:
    'The deployer ServiceAccount has, in each namespace, a bound Role that grants exactly what applying these manifests needs and no wildcard or delete',
  check({ documents, expect }) {
    const findings: Finding[] = [];
    const account = expect.deployer.serviceAccount;
    const home = expect.namespace;
    if (
      !ofKind(documents, 'ServiceAccount', home).some(
        (document) => document.object.metadata?.name === account,
      )
    ) {
      findings.push(
        missing(
          this.id,
          'security.yaml',
          `ServiceAccount ${home}/${account}`,
          'the deployer ServiceAccount is not defined',
        ),
      );
    }
    const roles = [...ofKind(documents, 'Role'), ...ofKind(documents, 'ClusterRole')].filter((role) =>
      boundTo(documents, role, account, home),
    );
    for (const role of roles) {
      rulesOf(role).forEach((rule, index) => {
        for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
          if ((rule[field] ?? []).includes('*'))
            findings.push(finding(this.id, role, `rules[${index}].${field}`, 'wildcards are not allowed'));
        }
        const named = rule.resourceNames !== undefined && rule.resourceNames.length > 0;
        for (const verb of rule.verbs ?? []) {
          // escalate/bind only make sense restricted to named objects.
          const allowed =
            expect.deployer.verbs.includes(verb) || (named && ['escalate', 'bind'].includes(verb));
          if (!allowed)
            findings.push(
              finding(this.id, role, `rules[${index}].verbs`, `verb ${verb} is more than a deployment needs`),
            );
        }
      });
    }
    // Completeness: every object of the release can be applied (get, create, patch) in its namespace.
    for (const document of documents) {
      const { kind = '', apiVersion = '', metadata = {} } = document.object;
      const resource = resourceOf(kind);
      const group = groupOf(apiVersion);
      const namespace = metadata.namespace;
      const applicable = roles.filter(
        (role) => role.object.kind === 'ClusterRole' || role.object.metadata?.namespace === namespace,
      );
      const can = (verb: string) =>
        applicable.some((role) => grants(rulesOf(role), group, resource, verb, metadata.name));
      const needed = namespace === undefined ? ['get', 'patch'] : ['get', 'create', 'patch'];
      const lacking = needed.filter((verb) => !can(verb));
      // Cluster-scoped objects are created once by an administrator; re-applying needs get and patch.
      if (lacking.length > 0)
        findings.push(
          finding(
            this.id,
            document,
            'kind',
            `the deployer cannot ${lacking.join(', ')} ${resource} ${namespace ? `in ${namespace}` : `named ${metadata.name}`}`,
          ),
        );
    }
    for (const secret of Object.keys(expect.secrets)) {
      const can = (verb: string) =>
        roles.some(
          (role) =>
            role.object.metadata?.namespace === home && grants(rulesOf(role), '', 'secrets', verb, secret),
        );
      const lacking = ['create', 'get', 'patch'].filter((verb) => !can(verb));
      if (lacking.length > 0)
        findings.push(
          missing(
            this.id,
            'security.yaml',
            `Role ${home}/deployer`,
            `the deployer cannot ${lacking.join(', ')} Secret ${secret}`,
          ),
        );
    }
    return findings;
  },
};

export const workloadRbacRule: PolicyRule = {
  id: 'workload-rbac',
  description:
    'Roles of workloads (Prometheus, Promtail) only read (get, list, watch), never Secrets; Prometheus discovers pods only in the application namespace',
  check({ documents, expect }) {
    const findings: Finding[] = [];
    const deployer = expect.deployer.serviceAccount;
    const roles = [...ofKind(documents, 'Role'), ...ofKind(documents, 'ClusterRole')].filter(
      (role) => !boundTo(documents, role, deployer, expect.namespace),
    );
    for (const role of roles) {
      rulesOf(role).forEach((rule, index) => {
        const extra = (rule.verbs ?? []).filter((verb) => !['get', 'list', 'watch'].includes(verb));
        if (extra.length > 0)
          findings.push(
            finding(this.id, role, `rules[${index}].verbs`, `${extra.join(', ')} goes beyond reading`),
          );
        const forbidden = (rule.resources ?? []).filter((resource) =>
          ['*', 'secrets', 'nodes/proxy', 'pods/exec'].includes(resource),
        );
        if (forbidden.length > 0)
          findings.push(
            finding(
              this.id,
              role,
              `rules[${index}].resources`,
              `${forbidden.join(', ')} must not be granted to a workload`,
            ),
          );
        if (
          role.object.kind === 'ClusterRole' &&
          (rule.resources ?? []).some((resource) => !['nodes', 'nodes/metrics'].includes(resource))
        ) {
          findings.push(
            finding(
              this.id,
              role,
              `rules[${index}].resources`,
              'cluster-wide access is limited to nodes and nodes/metrics; grant namespaced resources with a Role',
            ),
          );
        }
      });
    }
    const prometheus = ofKind(documents, 'Deployment', expect.namespace).find(
      (document) => document.object.metadata?.name === 'prometheus',
    );
    const account = (
      prometheus?.object.spec as { template?: { spec?: { serviceAccountName?: string } } } | undefined
    )?.template?.spec?.serviceAccountName;
    if (!prometheus || !account) {
      findings.push(
        missing(
          this.id,
          'monitoring.yaml',
          `Deployment ${expect.namespace}/prometheus`,
          'Prometheus must run with its own ServiceAccount',
        ),
      );
    } else {
      const podReaders = ofKind(documents, 'Role', expect.namespace).filter(
        (role) =>
          boundTo(documents, role, account, expect.namespace) && grants(rulesOf(role), '', 'pods', 'list'),
      );
      if (podReaders.length === 0)
        findings.push(
          finding(
            this.id,
            prometheus,
            'spec.template.spec.serviceAccountName',
            `${account} has no Role to discover pods in ${expect.namespace}`,
          ),
        );
    }
    return findings;
  },
};
