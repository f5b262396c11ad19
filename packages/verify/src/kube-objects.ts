/** The fields of Pods and NetworkPolicies (as `kubectl get -o json` prints them) that the checks read. */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

export interface SecurityContext {
  privileged?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
}

export interface Container {
  name: string;
  securityContext?: SecurityContext;
}

export interface Pod {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[]; securityContext?: SecurityContext };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: {
      name: string;
      ready?: boolean;
      state?: Record<string, { reason?: string; message?: string }>;
    }[];
  };
}

export interface NetworkPolicy {
  metadata: { name: string };
  spec: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] };
}

export type Direction = 'Ingress' | 'Egress';

/** Whether a label selector selects a set of labels; an empty selector selects everything. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string> = {},
): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector?.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(labels, expression.key);
    const value = labels[expression.key];
    const values = expression.values ?? [];
    const ok =
      expression.operator === 'In'
        ? present && values.includes(value!)
        : expression.operator === 'NotIn'
          ? !present || !values.includes(value!)
          : expression.operator === 'Exists'
            ? present
            : !present;
    if (!ok) return false;
  }
  return true;
}

/** The directions a policy isolates, with Kubernetes' defaulting when policyTypes is left out. */
export function policyDirections(policy: NetworkPolicy): Direction[] {
  if (policy.spec.policyTypes && policy.spec.policyTypes.length > 0) {
    return policy.spec.policyTypes.filter(
      (type): type is Direction => type === 'Ingress' || type === 'Egress',
    );
  }
  return policy.spec.egress && policy.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

const isEmptySelector = (selector: LabelSelector | undefined) =>
  Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;

/** Selects every pod and allows nothing in `direction`. */
export function isDefaultDeny(policy: NetworkPolicy, direction: Direction): boolean {
  const rules = direction === 'Ingress' ? policy.spec.ingress : policy.spec.egress;
  return (
    isEmptySelector(policy.spec.podSelector) &&
    policyDirections(policy).includes(direction) &&
    (rules ?? []).length === 0
  );
}

/** The policies that select `pod` and isolate it in `direction`. */
export function policiesFor(pod: Pod, policies: NetworkPolicy[], direction: Direction): NetworkPolicy[] {
  return policies.filter(
    (policy) =>
      policyDirections(policy).includes(direction) &&
      selectorMatches(policy.spec.podSelector, pod.metadata.labels),
  );
}
