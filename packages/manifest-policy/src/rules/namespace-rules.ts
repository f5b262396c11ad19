import { finding, missing, type Finding } from '../findings';
import { ofKind } from '../manifest-set';
import type { PolicyRule } from '../rule';

export const namespaceRule: PolicyRule = {
  id: 'namespace',
  description:
    'The application namespace enforces Pod Security restricted; every namespaced object names a namespace of the manifests',
  check({ documents, expect }) {
    const findings: Finding[] = [];
    const namespaces = ofKind(documents, 'Namespace');
    const application = namespaces.find((document) => document.object.metadata?.name === expect.namespace);
    if (!application) {
      findings.push(
        missing(
          this.id,
          'namespace.yaml',
          `Namespace ${expect.namespace}`,
          'the application namespace is not defined',
        ),
      );
    } else if (application.object.metadata?.labels?.['pod-security.kubernetes.io/enforce'] !== 'restricted') {
      findings.push(
        finding(
          this.id,
          application,
          'metadata.labels["pod-security.kubernetes.io/enforce"]',
          'must be "restricted"',
        ),
      );
    }
    const known = new Set(namespaces.map((document) => document.object.metadata?.name));
    const clusterScoped = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterIssuer'];
    for (const document of documents) {
      if (clusterScoped.includes(document.object.kind ?? '')) continue;
      const namespace = document.object.metadata?.namespace;
      if (!namespace || !known.has(namespace))
        findings.push(
          finding(
            this.id,
            document,
            'metadata.namespace',
            `${namespace ? `${namespace} is not a namespace of the manifests` : 'must be set explicitly'}`,
          ),
        );
    }
    return findings;
  },
};
