import { certManagerErrors, isCertManager } from './cert-manager-schema';
import { finding, type Finding } from './findings';
import { schemaErrors, type SchemaError } from './kubernetes-schema';
import type { ManifestDocument } from './manifest-set';
import { hasModel, unknownFields } from './strict-fields';
import { closestName } from './suggest';

const RULE = 'schema';

/**
 * Validates every document against its API schema: Kubernetes kinds through the official OpenAPI
 * schemas plus unknown-field detection, cert-manager kinds through strict CRD schemas. A kind that
 * neither knows is itself an error.
 */
export async function validateSchemas(documents: ManifestDocument[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const document of documents) {
    const { apiVersion, kind } = document.object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      findings.push(
        finding(RULE, document, typeof apiVersion !== 'string' ? 'apiVersion' : 'kind', 'is required'),
      );
      continue;
    }
    const errors = await errorsOf(document.object, apiVersion, kind);
    if (errors === undefined) {
      findings.push(
        finding(
          RULE,
          document,
          'kind',
          `no API schema for ${apiVersion} ${kind} (misspelled kind, or a version the API no longer serves?)`,
        ),
      );
      continue;
    }
    for (const error of errors)
      findings.push(finding(RULE, document, error.path || '(document)', error.message));
  }
  return findings;
}

async function errorsOf(
  object: unknown,
  apiVersion: string,
  kind: string,
): Promise<SchemaError[] | undefined> {
  if (isCertManager(apiVersion)) return certManagerErrors(object, apiVersion, kind);
  const errors = await schemaErrors(object, apiVersion, kind);
  if (errors === undefined || !hasModel(apiVersion, kind)) return undefined;
  const unknown = unknownFields(object, apiVersion, kind).map((field) => {
    const guess = closestName(field.name, field.allowed);
    return {
      path: field.path,
      message: guess
        ? `unknown field (did you mean "${guess}"?)`
        : `unknown field; allowed here: ${field.allowed.join(', ')}`,
    };
  });
  return [...errors, ...unknown];
}
