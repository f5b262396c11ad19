import { Ajv, type ErrorObject, type Schema } from 'ajv';
import { appendField } from './field-path';
import { describeSchemaError, pointerToPath, type SchemaError } from './kubernetes-schema';
import { unknownFieldsOfType } from './strict-fields';

/**
 * Strict schemas for the cert-manager.io/v1 kinds the manifests use, written from the fields the
 * cert-manager CRDs document. Structured parts are closed (`additionalProperties: false`) so a typo is
 * an error; parts that are whole sub-APIs of their own (DNS-01 providers, pod templates, Vault,
 * Venafi) are accepted as objects.
 */
const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const string = { type: 'string', minLength: 1 };
const strings = { type: 'array', items: string };
const openObject = { type: 'object' };
const secretKeySelector = object({ name: string, key: string }, ['name']);

const issuerSpec = {
  ...object({
    acme: object(
      {
        server: { type: 'string', pattern: '^https://' },
        email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' },
        privateKeySecretRef: secretKeySelector,
        solvers: {
          type: 'array',
          minItems: 1,
          items: object({
            selector: object({ dnsNames: strings, dnsZones: strings, matchLabels: openObject }),
            http01: object({
              ingress: object({
                class: string,
                ingressClassName: string,
                name: string,
                serviceType: { enum: ['ClusterIP', 'NodePort'] },
                podTemplate: openObject,
                ingressTemplate: openObject,
              }),
              gatewayHTTPRoute: openObject,
            }),
            dns01: openObject,
          }),
        },
        skipTLSVerify: { type: 'boolean' },
        externalAccountBinding: openObject,
        preferredChain: { type: 'string' },
        caBundle: { type: 'string' },
        disableAccountKeyGeneration: { type: 'boolean' },
        enableDurationFeature: { type: 'boolean' },
        profile: { type: 'string' },
      },
      ['server', 'privateKeySecretRef'],
    ),
    ca: object(
      {
        secretName: string,
        crlDistributionPoints: strings,
        ocspServers: strings,
        issuingCertificateURLs: strings,
      },
      ['secretName'],
    ),
    selfSigned: object({ crlDistributionPoints: strings }),
    vault: openObject,
    venafi: openObject,
  }),
  minProperties: 1,
  maxProperties: 1,
};

const duration = { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$' };

const certificateSpec = object(
  {
    secretName: string,
    issuerRef: object({ name: string, kind: { enum: ['Issuer', 'ClusterIssuer'] }, group: string }, ['name']),
    commonName: string,
    dnsNames: { type: 'array', minItems: 1, items: string },
    ipAddresses: strings,
    uris: strings,
    emailAddresses: strings,
    otherNames: { type: 'array', items: openObject },
    duration,
    renewBefore: duration,
    renewBeforePercentage: { type: 'integer', minimum: 1, maximum: 99 },
    revisionHistoryLimit: { type: 'integer', minimum: 1 },
    isCA: { type: 'boolean' },
    usages: { type: 'array', items: string },
    encodeUsagesInRequest: { type: 'boolean' },
    literalSubject: string,
    nameConstraints: openObject,
    keystores: openObject,
    subject: object(
      Object.fromEntries(
        [
          'organizations',
          'countries',
          'organizationalUnits',
          'localities',
          'provinces',
          'streetAddresses',
          'postalCodes',
        ].map((key) => [key, strings]),
      ),
    ),
    secretTemplate: object({ annotations: openObject, labels: openObject }),
    privateKey: object({
      algorithm: { enum: ['RSA', 'ECDSA', 'Ed25519'] },
      encoding: { enum: ['PKCS1', 'PKCS8'] },
      size: { type: 'integer' },
      rotationPolicy: { enum: ['Never', 'Always'] },
    }),
  },
  ['secretName', 'issuerRef'],
);

const resource = (kind: string, spec: unknown): Schema =>
  object(
    {
      apiVersion: { const: 'cert-manager.io/v1' },
      kind: { const: kind },
      metadata: object({ name: string }, ['name']),
      spec,
      status: openObject,
    },
    ['apiVersion', 'kind', 'metadata', 'spec'],
  );

// `metadata` is checked as a Kubernetes ObjectMeta below; here only its name is required.
const metadataOpen = (schema: Schema): Schema => {
  const copy = structuredClone(schema) as { properties: { metadata: { additionalProperties: boolean } } };
  copy.properties.metadata.additionalProperties = true;
  return copy as Schema;
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validators: Record<string, ReturnType<Ajv['compile']>> = {
  Issuer: ajv.compile(metadataOpen(resource('Issuer', issuerSpec))),
  ClusterIssuer: ajv.compile(metadataOpen(resource('ClusterIssuer', issuerSpec))),
  Certificate: ajv.compile(metadataOpen(resource('Certificate', certificateSpec))),
};

export function isCertManager(apiVersion: string): boolean {
  return apiVersion.startsWith('cert-manager.io/');
}

/** `undefined` when the kind or version is not one of the known cert-manager kinds. */
export function certManagerErrors(
  object: unknown,
  apiVersion: string,
  kind: string,
): SchemaError[] | undefined {
  const validate = apiVersion === 'cert-manager.io/v1' ? validators[kind] : undefined;
  if (!validate) return undefined;
  const errors: SchemaError[] = validate(object) ? [] : (validate.errors ?? []).map(describe);
  const metadata = (object as { metadata?: unknown }).metadata;
  for (const unknown of unknownFieldsOfType(metadata, 'V1ObjectMeta', 'metadata')) {
    errors.push({ path: unknown.path, message: 'unknown field' });
  }
  return errors;
}

function describe(error: ErrorObject): SchemaError {
  const { additionalProperty } = error.params as { additionalProperty?: string };
  if (additionalProperty !== undefined) {
    const base = pointerToPath(error.instancePath);
    return {
      path: appendField(base, additionalProperty),
      message: 'unknown field',
    };
  }
  return describeSchemaError(error.instancePath, error.message, error.params);
}
