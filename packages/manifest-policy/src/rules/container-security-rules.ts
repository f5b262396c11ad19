import { finding, type Finding } from '../findings';
import { containersOf } from '../pod-templates';
import type { PolicyContext, PolicyRule } from '../rule';

export const resourcesRule: PolicyRule = {
  id: 'resources',
  description: 'Every container declares CPU and memory requests and limits',
  check({ pods }) {
    const findings: Finding[] = [];
    for (const pod of pods) {
      for (const { container, path } of containersOf(pod)) {
        for (const section of ['requests', 'limits'] as const) {
          for (const resource of ['cpu', 'memory']) {
            if (container.resources?.[section]?.[resource] === undefined) {
              findings.push(
                finding(
                  this.id,
                  pod.document,
                  `${path}.resources.${section}.${resource}`,
                  `container ${container.name} has no ${resource} ${section.replace(/s$/, '')}`,
                ),
              );
            }
          }
        }
      }
    }
    return findings;
  },
};

/** The volume types Pod Security `restricted` admits. */
const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** Namespaces whose Pod Security level is `restricted`; only there is non-root required. */
function restrictedNamespaces(context: PolicyContext): Set<string> {
  return new Set(
    context.documents
      .filter((document) => document.object.kind === 'Namespace')
      .filter(
        (document) =>
          document.object.metadata?.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted',
      )
      .map((document) => document.object.metadata?.name ?? ''),
  );
}

export const securityContextRule: PolicyRule = {
  id: 'security-context',
  description:
    'Containers drop all capabilities, never escalate, run with a read-only root filesystem and seccomp RuntimeDefault; non-root wherever Pod Security is restricted',
  check(context) {
    const findings: Finding[] = [];
    const restricted = restrictedNamespaces(context);
    for (const pod of context.pods) {
      const podContext = pod.spec.securityContext ?? {};
      for (const flag of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
        if (pod.spec[flag])
          findings.push(
            finding(this.id, pod.document, `${pod.specPath}.${flag}`, 'host namespaces are not allowed'),
          );
      }
      for (const { container, path } of containersOf(pod)) {
        const own = container.securityContext ?? {};
        const at = (field: string) => `${path}.securityContext.${field}`;
        const name = `container ${container.name}`;
        if (own.allowPrivilegeEscalation !== false)
          findings.push(
            finding(this.id, pod.document, at('allowPrivilegeEscalation'), `${name} must set it to false`),
          );
        if (own.privileged)
          findings.push(finding(this.id, pod.document, at('privileged'), `${name} must not be privileged`));
        if (own.readOnlyRootFilesystem !== true)
          findings.push(
            finding(this.id, pod.document, at('readOnlyRootFilesystem'), `${name} must set it to true`),
          );
        if (!(own.capabilities?.drop ?? []).includes('ALL'))
          findings.push(
            finding(this.id, pod.document, at('capabilities.drop'), `${name} must drop ALL capabilities`),
          );
        if ((own.capabilities?.add ?? []).length > 0)
          findings.push(
            finding(this.id, pod.document, at('capabilities.add'), `${name} must not add capabilities`),
          );
        const seccomp = own.seccompProfile?.type ?? podContext.seccompProfile?.type;
        if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
          findings.push(
            finding(
              this.id,
              pod.document,
              at('seccompProfile.type'),
              `${name} must use RuntimeDefault (found ${seccomp ?? 'none'})`,
            ),
          );
        if (restricted.has(pod.namespace)) {
          const nonRoot = own.runAsNonRoot ?? podContext.runAsNonRoot;
          const user = own.runAsUser ?? podContext.runAsUser;
          if (nonRoot !== true)
            findings.push(finding(this.id, pod.document, at('runAsNonRoot'), `${name} must run as non-root`));
          if (user === 0)
            findings.push(finding(this.id, pod.document, at('runAsUser'), `${name} must not run as uid 0`));
        }
      }
      if (restricted.has(pod.namespace)) {
        (pod.spec.volumes ?? []).forEach((volume, index) => {
          const type = Object.keys(volume).find((key) => key !== 'name');
          if (type !== undefined && !RESTRICTED_VOLUME_TYPES.includes(type)) {
            findings.push(
              finding(
                this.id,
                pod.document,
                `${pod.specPath}.volumes[${index}].${type}`,
                `volume ${volume.name}: ${type} volumes are refused by Pod Security restricted`,
              ),
            );
          }
        });
        for (const { container, path } of containersOf(pod)) {
          (container.ports ?? []).forEach((port, index) => {
            if (port.hostPort)
              findings.push(
                finding(
                  this.id,
                  pod.document,
                  `${path}.ports[${index}].hostPort`,
                  `container ${container.name} must not bind a host port`,
                ),
              );
          });
        }
      }
    }
    return findings;
  },
};
