import { finding, type Finding } from '../findings';
import { ofKind } from '../manifest-set';
import { containersOf, findPod } from '../pod-templates';
import type { PolicyRule } from '../rule';

const SECRET_NAME = /(PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIALS?)$/i;

export const configAndSecretsRule: PolicyRule = {
  id: 'config-and-secrets',
  description:
    'Service configuration comes from a ConfigMap; secrets reach containers only through secretKeyRef to a documented Secret and key',
  check({ documents, pods, expect }) {
    const findings: Finding[] = [];
    const configMaps = new Map(
      ofKind(documents, 'ConfigMap').map((document) => [
        `${document.object.metadata?.namespace}/${document.object.metadata?.name}`,
        (document.object.data ?? {}) as Record<string, string>,
      ]),
    );
    for (const configMap of ofKind(documents, 'ConfigMap')) {
      for (const key of Object.keys((configMap.object.data ?? {}) as object).filter((name) =>
        SECRET_NAME.test(name),
      )) {
        findings.push(
          finding(
            this.id,
            configMap,
            `data.${key}`,
            `${key} looks like a secret; ConfigMaps are not for secrets`,
          ),
        );
      }
    }
    for (const pod of pods) {
      for (const { container, path } of containersOf(pod)) {
        (container.envFrom ?? []).forEach((source, index) => {
          if (source.secretRef)
            findings.push(
              finding(
                this.id,
                pod.document,
                `${path}.envFrom[${index}].secretRef`,
                `container ${container.name}: import secrets one key at a time with secretKeyRef`,
              ),
            );
          const name = source.configMapRef?.name;
          if (name !== undefined && !configMaps.has(`${pod.namespace}/${name}`))
            findings.push(
              finding(
                this.id,
                pod.document,
                `${path}.envFrom[${index}].configMapRef.name`,
                `ConfigMap ${name} is not in the manifests`,
              ),
            );
        });
        (container.env ?? []).forEach((variable, index) => {
          const at = `${path}.env[${index}]`;
          const secret = variable.valueFrom?.secretKeyRef;
          if (secret) {
            const keys = expect.secrets[secret.name ?? ''];
            if (!keys)
              findings.push(
                finding(
                  this.id,
                  pod.document,
                  `${at}.valueFrom.secretKeyRef.name`,
                  `${variable.name}: Secret ${secret.name} is not one of the documented Secrets (${Object.keys(expect.secrets).join(', ')})`,
                ),
              );
            else if (!keys.includes(secret.key ?? ''))
              findings.push(
                finding(
                  this.id,
                  pod.document,
                  `${at}.valueFrom.secretKeyRef.key`,
                  `${variable.name}: Secret ${secret.name} has no key ${secret.key} (keys: ${keys.join(', ')})`,
                ),
              );
          } else if (SECRET_NAME.test(variable.name)) {
            findings.push(
              finding(
                this.id,
                pod.document,
                at,
                `${variable.name} looks like a secret; take it from a Secret with secretKeyRef`,
              ),
            );
          }
          const configKey = variable.valueFrom?.configMapKeyRef;
          if (configKey) {
            const data = configMaps.get(`${pod.namespace}/${configKey.name}`);
            if (!data || !(configKey.key! in data))
              findings.push(
                finding(
                  this.id,
                  pod.document,
                  `${at}.valueFrom.configMapKeyRef`,
                  `ConfigMap ${configKey.name} with key ${configKey.key} is not in the manifests`,
                ),
              );
          }
        });
      }
      (pod.spec.volumes ?? []).forEach((volume, index) => {
        if (volume.secret)
          findings.push(
            finding(
              this.id,
              pod.document,
              `${pod.specPath}.volumes[${index}].secret`,
              `volume ${volume.name}: secrets reach containers only through secretKeyRef`,
            ),
          );
        if (volume.configMap && !configMaps.has(`${pod.namespace}/${volume.configMap.name}`))
          findings.push(
            finding(
              this.id,
              pod.document,
              `${pod.specPath}.volumes[${index}].configMap.name`,
              `ConfigMap ${volume.configMap.name} is not in the manifests`,
            ),
          );
      });
    }
    for (const service of expect.services) {
      const pod = findPod(pods, service.name, expect.namespace);
      const container = pod?.spec.containers.find((entry) => entry.name === service.name);
      if (!pod || !container) continue;
      const fromConfigMap =
        (container.envFrom ?? []).some((source) => source.configMapRef) ||
        (container.env ?? []).some((variable) => variable.valueFrom?.configMapKeyRef);
      if (!fromConfigMap)
        findings.push(
          finding(
            this.id,
            pod.document,
            `${pod.specPath}.containers`,
            `container ${service.name} takes no configuration from a ConfigMap`,
          ),
        );
    }
    for (const reference of expect.requiredSecretReferences) {
      const pod = findPod(pods, reference.workload, expect.namespace);
      if (!pod) continue;
      const found = pod.spec.containers.some((container) =>
        (container.env ?? []).some(
          (variable) =>
            variable.name === reference.env &&
            variable.valueFrom?.secretKeyRef?.name === reference.secret &&
            variable.valueFrom.secretKeyRef.key === reference.key,
        ),
      );
      if (!found)
        findings.push(
          finding(
            this.id,
            pod.document,
            `${pod.specPath}.containers`,
            `${reference.workload} must read ${reference.env} from Secret ${reference.secret}, key ${reference.key}`,
          ),
        );
    }
    return findings;
  },
};

export const noSecretDataRule: PolicyRule = {
  id: 'no-secret-data',
  description: 'No Secret in the manifests carries a value (k8s-deploy creates them from workflow secrets)',
  check({ documents }) {
    return ofKind(documents, 'Secret').flatMap((document) =>
      (['data', 'stringData'] as const)
        .filter((field) => Object.keys((document.object[field] ?? {}) as object).length > 0)
        .map((field) =>
          finding(this.id, document, field, 'a Secret in the repository must not carry values'),
        ),
    );
  },
};
