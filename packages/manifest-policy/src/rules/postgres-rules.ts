import * as path from 'node:path';
import { finding, missing, type Finding } from '../findings';
import { ofKind } from '../manifest-set';
import { findPod } from '../pod-templates';
import type { PolicyRule } from '../rule';
import { selects } from '../selectors';

export const postgresRule: PolicyRule = {
  id: 'postgres',
  description:
    'PostgreSQL is a StatefulSet with a volume claim template, PGDATA in a subdirectory of the volume, a headless Service and credentials from its Secret',
  check({ documents, pods, expect }) {
    const findings: Finding[] = [];
    const { name } = expect.database;
    const pod = findPod(pods, name, expect.namespace);
    if (!pod || pod.kind !== 'StatefulSet')
      return [
        missing(
          this.id,
          `${name}.yaml`,
          `StatefulSet ${expect.namespace}/${name}`,
          'PostgreSQL must be a StatefulSet',
        ),
      ];
    const spec = pod.document.object.spec as {
      serviceName?: string;
      volumeClaimTemplates?: { metadata?: { name?: string } }[];
    };
    const claims = (spec.volumeClaimTemplates ?? []).map((claim) => claim.metadata?.name);
    if (claims.length === 0)
      findings.push(
        finding(
          this.id,
          pod.document,
          'spec.volumeClaimTemplates',
          'the database needs a volume claim template',
        ),
      );

    const index = pod.spec.containers.findIndex((container) => container.name === name);
    const container = pod.spec.containers[index];
    if (container) {
      const at = `${pod.specPath}.containers[${index}]`;
      const dataMount = container.volumeMounts?.find((mount) => claims.includes(mount.name));
      if (!dataMount) {
        findings.push(
          finding(this.id, pod.document, `${at}.volumeMounts`, 'no volume claim template is mounted'),
        );
      } else {
        const pgdata = pgdataOf(container.env ?? [], container.envFrom ?? [], documents, expect.namespace);
        const relative = pgdata === undefined ? undefined : path.posix.relative(dataMount.mountPath, pgdata);
        if (!relative || relative.startsWith('..') || path.posix.isAbsolute(relative)) {
          findings.push(
            finding(
              this.id,
              pod.document,
              `${at}.env`,
              `PGDATA (${pgdata ?? 'unset'}) must be a subdirectory of ${dataMount.mountPath}`,
            ),
          );
        }
      }
    }

    const service = ofKind(documents, 'Service', expect.namespace).find(
      (document) => document.object.metadata?.name === spec.serviceName,
    );
    if (!service) {
      findings.push(
        finding(
          this.id,
          pod.document,
          'spec.serviceName',
          `Service ${spec.serviceName ?? '(unset)'} is not in the manifests`,
        ),
      );
    } else {
      const serviceSpec = service.object.spec as { clusterIP?: string; selector?: Record<string, string> };
      if (serviceSpec.clusterIP !== 'None')
        findings.push(
          finding(
            this.id,
            service,
            'spec.clusterIP',
            'the StatefulSet\'s governing Service must be headless ("None")',
          ),
        );
      if (!selects({ matchLabels: serviceSpec.selector ?? { '': '' } }, pod.labels))
        findings.push(finding(this.id, service, 'spec.selector', `does not select the ${name} pods`));
    }
    return findings;
  },
};

/** PGDATA from the container's env or from a ConfigMap it imports. */
function pgdataOf(
  env: { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name?: string; key?: string } } }[],
  envFrom: { configMapRef?: { name?: string } }[],
  documents: Parameters<typeof ofKind>[0],
  namespace: string,
): string | undefined {
  const data = (name: string | undefined) =>
    (ofKind(documents, 'ConfigMap', namespace).find((document) => document.object.metadata?.name === name)
      ?.object.data ?? {}) as Record<string, string>;
  const variable = env.find((entry) => entry.name === 'PGDATA');
  if (variable?.value !== undefined) return variable.value;
  if (variable?.valueFrom?.configMapKeyRef)
    return data(variable.valueFrom.configMapKeyRef.name)[variable.valueFrom.configMapKeyRef.key ?? ''];
  for (const source of envFrom) {
    const value = data(source.configMapRef?.name).PGDATA;
    if (value !== undefined) return value;
  }
  return undefined;
}
