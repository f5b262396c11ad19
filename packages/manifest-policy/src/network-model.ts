import { ofKind, type ManifestDocument } from './manifest-set';
import { podTemplates, type PodTemplate } from './pod-templates';
import { selects, type LabelSelector, type Labels } from './selectors';

/**
 * Evaluates Kubernetes NetworkPolicy semantics over the manifests: a connection is allowed when the
 * source may send it (no Egress policy selects the source, or one of its egress rules matches) and
 * the destination may receive it (the same for Ingress). Endpoints outside the manifests (the ingress
 * controller, cluster DNS) are described by their namespace and pod labels.
 */
export interface Endpoint {
  /** For messages: `atlas-production/api-gateway`. */
  name: string;
  namespace: string;
  labels: Labels;
  /** Pods of a workload in the manifests; absent for endpoints outside them. */
  pod?: PodTemplate;
}

export interface Connection {
  port: number;
  protocol?: 'TCP' | 'UDP';
}

interface PolicyPort {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}
interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}
export interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

export type Direction = 'Ingress' | 'Egress';

export class NetworkModel {
  readonly pods: PodTemplate[];
  private readonly policies: { document: ManifestDocument; namespace: string; spec: NetworkPolicySpec }[];
  private readonly namespaceLabels = new Map<string, Labels>();

  constructor(documents: ManifestDocument[]) {
    this.pods = podTemplates(documents);
    this.policies = ofKind(documents, 'NetworkPolicy').map((document) => ({
      document,
      namespace: document.object.metadata?.namespace ?? '',
      spec: (document.object.spec ?? {}) as NetworkPolicySpec,
    }));
    for (const namespace of ofKind(documents, 'Namespace')) {
      const name = namespace.object.metadata?.name ?? '';
      this.namespaceLabels.set(name, {
        ...namespace.object.metadata?.labels,
        'kubernetes.io/metadata.name': name,
      });
    }
  }

  /** The policy types a policy applies, with the API server's defaulting when `policyTypes` is absent. */
  static policyTypes(spec: NetworkPolicySpec): Direction[] {
    if (spec.policyTypes) return spec.policyTypes as Direction[];
    return spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
  }

  endpointOf(pod: PodTemplate): Endpoint {
    return { name: `${pod.namespace}/${pod.name}`, namespace: pod.namespace, labels: pod.labels, pod };
  }

  /** The NetworkPolicies that isolate `pod` in one direction. */
  policiesFor(pod: PodTemplate, direction: Direction): ManifestDocument[] {
    return this.selecting(this.endpointOf(pod), direction).map((policy) => policy.document);
  }

  allows(from: Endpoint, to: Endpoint, connection: Connection): boolean {
    return this.permits(from, 'Egress', to, connection) && this.permits(to, 'Ingress', from, connection);
  }

  /** Whether `subject`'s policies of one direction let the connection with `peer` through. */
  private permits(subject: Endpoint, direction: Direction, peer: Endpoint, connection: Connection): boolean {
    // Only pods of the manifests are governed by these policies.
    if (!subject.pod) return true;
    const policies = this.selecting(subject, direction);
    if (policies.length === 0) return true;
    const destination = direction === 'Egress' ? peer : subject;
    return policies.some((policy) =>
      (direction === 'Egress' ? policy.spec.egress : policy.spec.ingress)?.some(
        (rule) =>
          this.peersMatch(direction === 'Egress' ? rule.to : rule.from, policy.namespace, peer) &&
          portsMatch(rule.ports, connection, destination),
      ),
    );
  }

  private selecting(endpoint: Endpoint, direction: Direction) {
    return this.policies.filter(
      (policy) =>
        policy.namespace === endpoint.namespace &&
        selects(policy.spec.podSelector, endpoint.labels) &&
        NetworkModel.policyTypes(policy.spec).includes(direction),
    );
  }

  private peersMatch(peers: PolicyPeer[] | undefined, policyNamespace: string, endpoint: Endpoint): boolean {
    // A rule without peers matches every peer.
    if (!peers || peers.length === 0) return true;
    return peers.some((peer) => {
      // ipBlock is meant for traffic leaving or entering the cluster; pods are not matched by it here,
      // which is the conservative reading of the API's "may or may not" for cluster-internal traffic.
      if (peer.ipBlock) return false;
      const namespaceOk = peer.namespaceSelector
        ? selects(peer.namespaceSelector, this.labelsOfNamespace(endpoint.namespace))
        : endpoint.namespace === policyNamespace;
      const podOk = peer.podSelector ? selects(peer.podSelector, endpoint.labels) : true;
      return namespaceOk && podOk;
    });
  }

  private labelsOfNamespace(namespace: string): Labels {
    return this.namespaceLabels.get(namespace) ?? { 'kubernetes.io/metadata.name': namespace };
  }
}

function portsMatch(ports: PolicyPort[] | undefined, connection: Connection, destination: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  const protocol = connection.protocol ?? 'TCP';
  return ports.some((entry) => {
    if ((entry.protocol ?? 'TCP') !== protocol) return false;
    if (entry.port === undefined) return true;
    if (typeof entry.port === 'string') {
      // A named port means the destination container's port of that name.
      const containers = destination.pod?.spec.containers ?? [];
      return containers.some((container) =>
        (container.ports ?? []).some(
          (port) => port.name === entry.port && port.containerPort === connection.port,
        ),
      );
    }
    return entry.endPort !== undefined
      ? connection.port >= entry.port && connection.port <= entry.endPort
      : connection.port === entry.port;
  });
}
