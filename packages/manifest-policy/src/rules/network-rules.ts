import type { EndpointRef, Flow } from '../expectations';
import { finding, missing, type Finding } from '../findings';
import { ofKind } from '../manifest-set';
import { NetworkModel, type Endpoint, type NetworkPolicySpec } from '../network-model';
import { findPod, resolvePort, type PodTemplate } from '../pod-templates';
import type { PolicyContext, PolicyRule } from '../rule';
import { isEmptySelector, selects } from '../selectors';

export const defaultDenyRule: PolicyRule = {
  id: 'network-default-deny',
  description: 'Every namespace with workloads has a default-deny NetworkPolicy for ingress and egress',
  check({ documents, pods }) {
    const findings: Finding[] = [];
    for (const namespace of new Set(pods.map((pod) => pod.namespace))) {
      const denies = ofKind(documents, 'NetworkPolicy', namespace).some((document) => {
        const spec = (document.object.spec ?? {}) as NetworkPolicySpec;
        const types = NetworkModel.policyTypes(spec);
        return (
          isEmptySelector(spec.podSelector) &&
          types.includes('Ingress') &&
          types.includes('Egress') &&
          !spec.ingress?.length &&
          !spec.egress?.length
        );
      });
      if (!denies)
        findings.push(
          missing(
            this.id,
            'security.yaml',
            `NetworkPolicy in ${namespace}`,
            `no default-deny policy (podSelector {}, policyTypes Ingress and Egress, no rules) in ${namespace}`,
          ),
        );
    }
    return findings;
  },
};

export const coverageRule: PolicyRule = {
  id: 'network-coverage',
  description: 'Every pod is selected by an ingress and an egress NetworkPolicy',
  check({ pods, network }) {
    const findings: Finding[] = [];
    for (const pod of pods) {
      for (const direction of ['Ingress', 'Egress'] as const) {
        if (network.policiesFor(pod, direction).length === 0)
          findings.push(
            finding(
              this.id,
              pod.document,
              'spec.template.metadata.labels',
              `no ${direction} NetworkPolicy selects the pods of ${pod.name}`,
            ),
          );
      }
    }
    return findings;
  },
};

export const dnsEgressRule: PolicyRule = {
  id: 'dns-egress',
  description: 'Every pod may reach the cluster DNS on port 53 over UDP and TCP',
  check({ pods, network, expect }) {
    const dns: Endpoint = {
      name: `${expect.dns.namespace}/dns`,
      namespace: expect.dns.namespace,
      labels: expect.dns.labels,
    };
    return pods.flatMap((pod) =>
      (['UDP', 'TCP'] as const)
        .filter((protocol) => !network.allows(network.endpointOf(pod), dns, { port: 53, protocol }))
        .map((protocol) =>
          finding(
            this.id,
            pod.document,
            'spec.template.metadata.labels',
            `pods of ${pod.name} cannot reach the cluster DNS on 53/${protocol}`,
          ),
        ),
    );
  },
};

function endpoint(context: PolicyContext, ref: EndpointRef): Endpoint | string {
  if ('outside' in ref) return { name: ref.outside, namespace: ref.namespace, labels: ref.labels };
  const pod = findPod(context.pods, ref.workload, ref.namespace);
  return pod ? context.network.endpointOf(pod) : `${ref.namespace ?? ''}/${ref.workload}`;
}

function describeFlow(flow: Flow, from: Endpoint, to: Endpoint): string {
  return `${from.name} -> ${to.name} on ${flow.port}/${flow.protocol ?? 'TCP'}`;
}

export const flowsRule: PolicyRule = {
  id: 'network-flows',
  description:
    'Ingress controller -> gateway, gateway -> services, archive -> PostgreSQL, Prometheus scraping, Promtail -> Loki and Grafana -> Prometheus/Loki are allowed; everything else tried is denied',
  check(context) {
    const findings: Finding[] = [];
    const check = (flow: Flow, wanted: boolean) => {
      const from = endpoint(context, flow.from);
      const to = endpoint(context, flow.to);
      if (typeof from === 'string' || typeof to === 'string') {
        findings.push(
          missing(
            this.id,
            'security.yaml',
            typeof from === 'string' ? from : String(to),
            'workload of a required flow is not in the manifests',
          ),
        );
        return;
      }
      if (context.network.allows(from, to, { port: flow.port, protocol: flow.protocol }) === wanted) return;
      const subject = to.pod ?? from.pod!;
      findings.push(
        finding(
          this.id,
          subject.document,
          'spec.template.metadata.labels',
          `${describeFlow(flow, from, to)} must be ${wanted ? 'allowed' : 'denied'} by the NetworkPolicies`,
        ),
      );
    };
    context.expect.allowedFlows.forEach((flow) => check(flow, true));
    context.expect.deniedFlows.forEach((flow) => check(flow, false));
    return findings;
  },
};

/** Pods a peer of a policy selects, among the workloads of the manifests. */
function podsOfPeer(
  context: PolicyContext,
  peer: { podSelector?: never; namespaceSelector?: never; ipBlock?: unknown },
  namespace: string,
): PodTemplate[] {
  if (peer.ipBlock || !peer.podSelector) return [];
  return context.pods.filter((pod) => {
    const namespaceMatches = peer.namespaceSelector
      ? selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': pod.namespace })
      : pod.namespace === namespace;
    return namespaceMatches && selects(peer.podSelector, pod.labels);
  });
}

function exposes(pod: PodTemplate, port: number | string): boolean {
  return pod.spec.containers.some((container) => resolvePort(container, port) !== undefined);
}

export const portAgreementRule: PolicyRule = {
  id: 'port-agreement',
  description:
    'Service targetPorts, probe ports and NetworkPolicy ports are container ports of the pods they address',
  check(context) {
    const findings: Finding[] = [];
    for (const service of ofKind(context.documents, 'Service')) {
      const spec = (service.object.spec ?? {}) as {
        selector?: Record<string, string>;
        ports?: { port: number; targetPort?: number | string }[];
      };
      const selected = context.pods.filter(
        (pod) =>
          pod.namespace === service.object.metadata?.namespace &&
          selects({ matchLabels: spec.selector ?? { '': '' } }, pod.labels),
      );
      if (selected.length === 0)
        findings.push(finding(this.id, service, 'spec.selector', 'selects no pod of the manifests'));
      (spec.ports ?? []).forEach((port, index) => {
        const target = port.targetPort ?? port.port;
        for (const pod of selected.filter((entry) => !exposes(entry, target))) {
          findings.push(
            finding(
              this.id,
              service,
              `spec.ports[${index}].targetPort`,
              `${target} is not a container port of ${pod.name}`,
            ),
          );
        }
      });
    }
    for (const pod of context.pods) {
      pod.spec.containers.forEach((container, index) => {
        for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
          const port = container[kind]?.httpGet?.port ?? container[kind]?.tcpSocket?.port;
          if (port !== undefined && resolvePort(container, port) === undefined) {
            findings.push(
              finding(
                this.id,
                pod.document,
                `${pod.specPath}.containers[${index}].${kind}`,
                `probe port ${port} is not a port of container ${container.name}`,
              ),
            );
          }
        }
      });
    }
    for (const policy of ofKind(context.documents, 'NetworkPolicy')) {
      const namespace = policy.object.metadata?.namespace ?? '';
      const spec = (policy.object.spec ?? {}) as NetworkPolicySpec;
      const subjects = context.pods.filter(
        (pod) => pod.namespace === namespace && selects(spec.podSelector, pod.labels),
      );
      (spec.ingress ?? []).forEach((rule, ruleIndex) => {
        (rule.ports ?? []).forEach((port, portIndex) => {
          for (const pod of subjects.filter(
            (entry) => port.port !== undefined && !exposes(entry, port.port),
          )) {
            findings.push(
              finding(
                this.id,
                policy,
                `spec.ingress[${ruleIndex}].ports[${portIndex}].port`,
                `${port.port} is not a container port of ${pod.name}`,
              ),
            );
          }
        });
      });
      (spec.egress ?? []).forEach((rule, ruleIndex) => {
        const targets = (rule.to ?? []).flatMap((peer) => podsOfPeer(context, peer as never, namespace));
        (rule.ports ?? []).forEach((port, portIndex) => {
          for (const pod of targets.filter(
            (entry) => port.port !== undefined && !exposes(entry, port.port),
          )) {
            findings.push(
              finding(
                this.id,
                policy,
                `spec.egress[${ruleIndex}].ports[${portIndex}].port`,
                `${port.port} is not a container port of ${pod.name}`,
              ),
            );
          }
        });
      });
    }
    return findings;
  },
};
