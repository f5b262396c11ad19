import * as fs from 'node:fs';
import * as path from 'node:path';
import { substituteVariables } from '@alt-las/kube';
import {
  formatFinding,
  parseManifests,
  validateSchemas,
  variablesIn,
  type ManifestDocument,
} from '@alt-las/manifest-policy';
import {
  manifestDirectory,
  objectOf,
  podSpecOf,
  productionDocuments,
  sampleVars,
} from './production-manifests';

const FILES = [
  'namespace.yaml',
  'postgres.yaml',
  'api-gateway.yaml',
  'segmentation-service.yaml',
  'ai-orchestrator.yaml',
  'archive-service.yaml',
  'monitoring.yaml',
  'security.yaml',
];

async function schemaFindings(documents: ManifestDocument[]): Promise<string[]> {
  return (await validateSchemas(documents)).map(formatFinding);
}

describe('production manifests', () => {
  test('are the eight files of the layout, and nothing else', () => {
    expect(fs.readdirSync(manifestDirectory).sort()).toEqual([...FILES].sort());
  });

  test('use only the variables k8s-deploy is given', () => {
    for (const file of FILES) {
      const used = variablesIn(fs.readFileSync(path.join(manifestDirectory, file), 'utf8'));
      expect(used.filter((name) => !(name in sampleVars))).toEqual([]);
    }
    const all = FILES.flatMap((file) =>
      variablesIn(fs.readFileSync(path.join(manifestDirectory, file), 'utf8')),
    );
    expect(new Set(all)).toEqual(new Set(Object.keys(sampleVars)));
  });

  test('an unknown variable is an error that names file and line', () => {
    expect(() => substituteVariables('a: 1\nimage: ${IMAGE_TAG}\n', sampleVars, 'x.yaml')).toThrow(
      'x.yaml:2: unknown variable ${IMAGE_TAG}; input "vars" allows ACME_EMAIL, API_HOST, IMAGE_OWNER, IMAGE_REGISTRY, MONITORING_HOST, RELEASE_VERSION',
    );
  });

  test('every document is valid against its API schema', async () => {
    const documents = productionDocuments();
    expect(documents.length).toBeGreaterThan(60);
    expect(await schemaFindings(documents)).toEqual([]);
  });
});

describe('schema validation reports', () => {
  test.each<[string, (documents: ManifestDocument[]) => void, string]>([
    [
      'a misspelled container field',
      (documents) => {
        const container = podSpecOf(documents, 'Deployment', 'api-gateway').containers[0];
        container.readinesProbe = container.readinessProbe;
        delete container.readinessProbe;
      },
      'api-gateway.yaml: Deployment atlas-production/api-gateway (document 2): spec.template.spec.containers[0].readinesProbe: unknown field (did you mean "readinessProbe"?) [schema]',
    ],
    [
      'a field at the wrong level',
      (documents) => {
        podSpecOf(documents, 'StatefulSet', 'postgres').readOnlyRootFilesystem = true;
      },
      'postgres.yaml: StatefulSet atlas-production/postgres (document 3): spec.template.spec.readOnlyRootFilesystem: unknown field; allowed here:',
    ],
    [
      'a misspelled field in a nested list',
      (documents) => {
        const ports = objectOf(documents, 'NetworkPolicy', 'api-gateway').spec.ingress[0].ports[0];
        ports.protocoll = 'TCP';
      },
      'security.yaml: NetworkPolicy atlas-production/api-gateway (document 3): spec.ingress[0].ports[0].protocoll: unknown field (did you mean "protocol"?) [schema]',
    ],
    [
      'a misspelled metadata field',
      (documents) => {
        objectOf(documents, 'Service', 'grafana').metadata.lables = { a: 'b' };
      },
      'monitoring.yaml: Service atlas-production/grafana (document 15): metadata.lables: unknown field (did you mean "labels"?) [schema]',
    ],
    [
      'a value of the wrong type',
      (documents) => {
        objectOf(documents, 'Deployment', 'archive-service').spec.replicas = 'two';
      },
      'archive-service.yaml: Deployment atlas-production/archive-service (document 2): spec.replicas: must be integer [schema]',
    ],
    [
      'an annotation that is not a string',
      (documents) => {
        objectOf(documents, 'Deployment', 'loki').spec.template.metadata.annotations['prometheus.io/port'] =
          3100;
      },
      'monitoring.yaml: Deployment atlas-production/loki (document 19): spec.template.metadata.annotations["prometheus.io/port"]: must be string [schema]',
    ],
    [
      'a missing required field',
      (documents) => {
        delete objectOf(documents, 'Deployment', 'ai-orchestrator').spec.selector;
      },
      'ai-orchestrator.yaml: Deployment atlas-production/ai-orchestrator (document 2): spec.selector: is required but missing [schema]',
    ],
    [
      'a value outside its enumeration',
      (documents) => {
        objectOf(documents, 'Certificate', 'grafana-tls').spec.privateKey.algorithm = 'DSA';
      },
      'security.yaml: Certificate atlas-production/grafana-tls (document 24): spec.privateKey.algorithm: must be equal to one of the allowed values (RSA, ECDSA, Ed25519) [schema]',
    ],
    [
      'a misspelled kind',
      (documents) => {
        objectOf(documents, 'PodDisruptionBudget', 'segmentation-service').kind = 'PodDisruptionBudjet';
      },
      'segmentation-service.yaml: PodDisruptionBudjet atlas-production/segmentation-service (document 4): kind: no API schema for policy/v1 PodDisruptionBudjet (misspelled kind, or a version the API no longer serves?) [schema]',
    ],
    [
      'an API version that current Kubernetes no longer serves',
      (documents) => {
        objectOf(documents, 'PodDisruptionBudget', 'ai-orchestrator').apiVersion = 'policy/v1beta1';
      },
      'ai-orchestrator.yaml: PodDisruptionBudget atlas-production/ai-orchestrator (document 4): kind: no API schema for policy/v1beta1 PodDisruptionBudget (misspelled kind, or a version the API no longer serves?) [schema]',
    ],
    [
      'an unknown field of a cert-manager Issuer',
      (documents) => {
        objectOf(documents, 'Issuer', 'letsencrypt-production').spec.acme.emial = 'x@example.com';
      },
      'security.yaml: Issuer atlas-production/letsencrypt-production (document 22): spec.acme.emial: unknown field [schema]',
    ],
    [
      'a missing field of a cert-manager Certificate',
      (documents) => {
        delete objectOf(documents, 'Certificate', 'api-gateway-tls').spec.secretName;
      },
      'security.yaml: Certificate atlas-production/api-gateway-tls (document 23): spec.secretName: is required but missing [schema]',
    ],
  ])('%s', async (_name, mutate, expected) => {
    const documents = productionDocuments();
    mutate(documents);
    const findings = await schemaFindings(documents);
    // One finding per line; the expected one names file, document and field.
    expect(`\n${findings.join('\n')}`).toContain(`\n${expected}`);
  });

  test('documents that are not mappings or not YAML', () => {
    expect(() => parseManifests('bad.yaml', 'a: [1,\n')).toThrow(/^bad\.yaml: document 1: /);
    expect(() => parseManifests('list.yaml', '- a\n- b\n')).toThrow('list.yaml: document 1 is not a mapping');
    expect(parseManifests('empty.yaml', '---\na: 1\n---\n')).toHaveLength(1);
  });
});
