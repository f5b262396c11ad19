import { parse } from 'yaml';
import { finding, missing, type Finding } from '../findings';
import { ofKind } from '../manifest-set';
import { findPod, type PodTemplate } from '../pod-templates';
import type { PolicyContext, PolicyRule } from '../rule';

/** The ConfigMap data mounted into a pod at `mountPath`, if any. */
function mountedConfig(
  context: PolicyContext,
  pod: PodTemplate,
  mountPath: string,
): Record<string, string> | undefined {
  const mount = pod.spec.containers
    .flatMap((container) => container.volumeMounts ?? [])
    .find((entry) => entry.mountPath === mountPath);
  const name = pod.spec.volumes?.find((volume) => volume.name === mount?.name)?.configMap?.name;
  const configMap = ofKind(context.documents, 'ConfigMap', pod.namespace).find(
    (document) => document.object.metadata?.name === name,
  );
  return configMap?.object.data as Record<string, string> | undefined;
}

function persistent(pod: PodTemplate, mountPath: string): boolean {
  const mount = pod.spec.containers
    .flatMap((container) => container.volumeMounts ?? [])
    .find((entry) => entry.mountPath === mountPath);
  const claims = (
    (pod.document.object.spec as { volumeClaimTemplates?: { metadata?: { name?: string } }[] })
      .volumeClaimTemplates ?? []
  ).map((claim) => claim.metadata?.name);
  return (
    !!mount &&
    (claims.includes(mount.name) ||
      !!pod.spec.volumes?.find((volume) => volume.name === mount.name)?.persistentVolumeClaim)
  );
}

export const monitoringRule: PolicyRule = {
  id: 'monitoring',
  description:
    'Prometheus (config and alert rules from a ConfigMap, persistent storage, every required alert), Grafana (provisioned, admin from its Secret), Loki (persistent) and a Promtail DaemonSet',
  check(context) {
    const findings: Finding[] = [];
    const { expect, pods } = context;
    const require = (name: string, kind: string, namespace?: string): PodTemplate | undefined => {
      const pod = findPod(pods, name, namespace);
      if (!pod || pod.kind !== kind)
        findings.push(missing(this.id, 'monitoring.yaml', `${kind} ${name}`, `${name} must be a ${kind}`));
      return pod?.kind === kind ? pod : undefined;
    };
    const prometheus = require('prometheus', 'Deployment', expect.namespace);
    if (prometheus) {
      const config = mountedConfig(context, prometheus, '/etc/prometheus');
      const main =
        config?.['prometheus.yml'] !== undefined
          ? (parse(config['prometheus.yml']) as { rule_files?: string[] })
          : undefined;
      if (!main) {
        findings.push(
          finding(
            this.id,
            prometheus.document,
            'spec.template.spec.volumes',
            'no ConfigMap with prometheus.yml is mounted at /etc/prometheus',
          ),
        );
      } else {
        const names = (main.rule_files ?? []).flatMap((file) => {
          const rules =
            config?.[file] === undefined
              ? undefined
              : (parse(config[file]!) as { groups?: { rules?: { alert?: string }[] }[] });
          if (!rules)
            findings.push(
              finding(
                this.id,
                prometheus.document,
                'spec.template.spec.volumes',
                `rule file ${file} is not in the mounted ConfigMap`,
              ),
            );
          return (rules?.groups ?? []).flatMap((group) => (group.rules ?? []).map((rule) => rule.alert));
        });
        for (const alert of expect.alerts.filter((name) => !names.includes(name))) {
          findings.push(
            finding(
              this.id,
              prometheus.document,
              'spec.template.spec.volumes',
              `alert ${alert} is not defined in the mounted rule files`,
            ),
          );
        }
      }
      if (!persistent(prometheus, '/prometheus'))
        findings.push(
          finding(
            this.id,
            prometheus.document,
            'spec.template.spec.volumes',
            'the TSDB at /prometheus must be on a PersistentVolumeClaim',
          ),
        );
    }
    const grafana = require('grafana', 'Deployment', expect.namespace);
    if (grafana) {
      const datasources = mountedConfig(context, grafana, '/etc/grafana/provisioning/datasources');
      if (!datasources)
        findings.push(
          finding(
            this.id,
            grafana.document,
            'spec.template.spec.volumes',
            'no data source ConfigMap is mounted at /etc/grafana/provisioning/datasources',
          ),
        );
      if (!mountedConfig(context, grafana, '/etc/grafana/provisioning/dashboards'))
        findings.push(
          finding(
            this.id,
            grafana.document,
            'spec.template.spec.volumes',
            'no dashboard provider ConfigMap is mounted at /etc/grafana/provisioning/dashboards',
          ),
        );
    }
    const loki = require('loki', 'Deployment', expect.namespace);
    if (loki && !persistent(loki, '/loki'))
      findings.push(
        finding(
          this.id,
          loki.document,
          'spec.template.spec.volumes',
          'Loki storage at /loki must be on a PersistentVolumeClaim',
        ),
      );
    require('promtail', 'DaemonSet');
    return findings;
  },
};
