import { finding, missing, type Finding } from '../findings';
import { ofKind, type ManifestDocument } from '../manifest-set';
import type { PolicyRule } from '../rule';

interface IngressSpec {
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: {
    host?: string;
    http?: {
      paths?: { backend?: { service?: { name?: string; port?: { name?: string; number?: number } } } }[];
    };
  }[];
}
interface CertificateSpec {
  secretName?: string;
  dnsNames?: string[];
  issuerRef?: { name?: string; kind?: string };
}

export const ingressTlsRule: PolicyRule = {
  id: 'ingress-tls',
  description:
    'The gateway and Grafana are exposed by Ingresses with TLS for their hosts, each certificate issued by cert-manager from an issuer of the manifests',
  check({ documents, expect }) {
    const findings: Finding[] = [];
    const ingresses = ofKind(documents, 'Ingress');
    const certificates = ofKind(documents, 'Certificate');
    const issuers = [...ofKind(documents, 'Issuer'), ...ofKind(documents, 'ClusterIssuer')];
    for (const ingress of ingresses)
      findings.push(...checkIngress(this.id, ingress, documents, certificates, issuers));
    for (const { host, service } of expect.ingresses) {
      const routed = ingresses.some((ingress) =>
        ((ingress.object.spec ?? {}) as IngressSpec).rules?.some(
          (rule) =>
            rule.host === host && rule.http?.paths?.some((entry) => entry.backend?.service?.name === service),
        ),
      );
      if (!routed)
        findings.push(
          missing(
            this.id,
            `${service}.yaml`,
            `Ingress for ${host}`,
            `no Ingress routes ${host} to Service ${service}`,
          ),
        );
    }
    return findings;
  },
};

function checkIngress(
  rule: string,
  ingress: ManifestDocument,
  documents: ManifestDocument[],
  certificates: ManifestDocument[],
  issuers: ManifestDocument[],
): Finding[] {
  const findings: Finding[] = [];
  const spec = (ingress.object.spec ?? {}) as IngressSpec;
  const namespace = ingress.object.metadata?.namespace;
  const services = ofKind(documents, 'Service', namespace);
  (spec.rules ?? []).forEach((entry, index) => {
    const tls = (spec.tls ?? []).findIndex((block) => block.hosts?.includes(entry.host ?? ''));
    if (tls < 0) {
      findings.push(
        finding(
          rule,
          ingress,
          `spec.rules[${index}].host`,
          `${entry.host ?? '(no host)'} is not covered by spec.tls`,
        ),
      );
      return;
    }
    const secretName = spec.tls![tls]!.secretName;
    const certificate = certificates.find(
      (document) =>
        document.object.metadata?.namespace === namespace &&
        (document.object.spec as CertificateSpec)?.secretName === secretName,
    );
    const certificateSpec = certificate?.object.spec as CertificateSpec | undefined;
    if (!certificate || !certificateSpec?.dnsNames?.includes(entry.host ?? '')) {
      findings.push(
        finding(
          rule,
          ingress,
          `spec.tls[${tls}].secretName`,
          `no cert-manager Certificate writes ${secretName ?? '(unset)'} for ${entry.host}`,
        ),
      );
    } else if (
      !issuers.some(
        (issuer) =>
          issuer.object.metadata?.name === certificateSpec.issuerRef?.name &&
          issuer.object.kind === (certificateSpec.issuerRef?.kind ?? 'Issuer') &&
          (issuer.object.kind === 'ClusterIssuer' || issuer.object.metadata?.namespace === namespace),
      )
    ) {
      findings.push(
        finding(
          rule,
          certificate,
          'spec.issuerRef',
          `issuer ${certificateSpec.issuerRef?.name} is not in the manifests`,
        ),
      );
    }
    (entry.http?.paths ?? []).forEach((path, pathIndex) => {
      const backend = path.backend?.service;
      const target = services.find((service) => service.object.metadata?.name === backend?.name);
      const ports =
        ((target?.object.spec ?? {}) as { ports?: { name?: string; port: number }[] }).ports ?? [];
      if (
        !target ||
        !ports.some((port) => port.name === backend?.port?.name || port.port === backend?.port?.number)
      ) {
        findings.push(
          finding(
            rule,
            ingress,
            `spec.rules[${index}].http.paths[${pathIndex}].backend.service`,
            `Service ${backend?.name} with that port is not in the manifests`,
          ),
        );
      }
    });
  });
  return findings;
}
