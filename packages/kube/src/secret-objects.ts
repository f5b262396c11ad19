import { ConfigurationError, type SecretRedactor } from '@alt-las/action-kit';
import type { KubeObject } from './kube-object';

/** The `secrets` input: Secret name -> key -> name of the environment variable holding the value. */
export type SecretsSpec = Record<string, Record<string, string>>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateSecretsSpec(value: unknown): SecretsSpec {
  const expected = 'a mapping of Secret name -> key -> environment variable name';
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigurationError(`input "secrets": expected ${expected}`, 'secrets');
  for (const [name, keys] of Object.entries(value as Record<string, unknown>)) {
    if (!keys || typeof keys !== 'object' || Array.isArray(keys))
      throw new ConfigurationError(
        `input "secrets": "${name}" must map keys to environment variables (${expected})`,
        'secrets',
      );
    for (const [key, variable] of Object.entries(keys as Record<string, unknown>)) {
      if (typeof variable !== 'string' || !ENV_NAME.test(variable))
        throw new ConfigurationError(
          `input "secrets": ${name}.${key} must name an environment variable, got ${JSON.stringify(variable)}`,
          'secrets',
        );
    }
  }
  return value as SecretsSpec;
}

/**
 * Builds the Secret objects from environment variables (the workflow's `secrets.*` passed as env).
 * Every value is registered with the redactor before it is put anywhere.
 */
export function buildSecrets(
  spec: SecretsSpec,
  namespace: string,
  env: NodeJS.ProcessEnv,
  redactor: SecretRedactor,
): KubeObject[] {
  return Object.entries(spec).map(([name, keys]) => {
    const data: Record<string, string> = {};
    for (const [key, variable] of Object.entries(keys)) {
      const value = env[variable];
      if (value === undefined || value === '') {
        throw new ConfigurationError(
          `input "secrets": ${name}.${key} reads environment variable ${variable}, which is not set`,
          'secrets',
        );
      }
      redactor.add(value);
      data[key] = Buffer.from(value).toString('base64');
    }
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'alt-las' } },
      data,
    };
  });
}
