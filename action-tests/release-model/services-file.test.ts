import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadServicesFile, parseServicesFile, selectServices } from '@alt-las/release-model';
import { repoRoot, withTempDir } from '../harness/paths';

const valid = `version: 1
services:
  - name: api
    context: api
    test: npm test
    port: 3000
  - name: worker
    context: worker
    dockerfile: build/Dockerfile
    test: { stage: test }
    workload: { kind: StatefulSet, name: workers, container: main }
    port: 8000
    health: /healthz
`;

describe('services file', () => {
  test('parses with defaults filled in', () => {
    const file = parseServicesFile(valid, '/repo/services.yaml');
    expect(file.root).toBe('/repo');
    expect(file.services).toEqual([
      {
        name: 'api',
        context: 'api',
        dockerfile: 'Dockerfile',
        image: 'alt-las-api',
        test: { command: 'npm test' },
        workload: { kind: 'Deployment', name: 'api', container: 'api' },
        port: 3000,
        healthPath: '/health',
        buildArgs: {},
      },
      expect.objectContaining({
        name: 'worker',
        dockerfile: 'build/Dockerfile',
        test: { stage: 'test', command: undefined },
        workload: { kind: 'StatefulSet', name: 'workers', container: 'main' },
        healthPath: '/healthz',
      }),
    ]);
  });

  test.each([
    ['version: 1\nservices: a: b\n', /services\.yaml:2: invalid YAML/],
    ['version: 2\nservices: []\n', /services\.yaml:1: unsupported version 2; expected 1/],
    ['version: 1\nservices: []\n', /services\.yaml:2: `services` must be a non-empty list/],
    [
      'version: 1\nservices:\n  - name: a\n    context: a\n    port: 70000\n',
      /services\.yaml:5: service "a": "port" must be an integer 1-65535/,
    ],
    [
      'version: 1\nservices:\n  - name: a\n    context: a\n    port: 1\n    helth: /x\n',
      /services\.yaml:6: unknown field "helth"/,
    ],
    [
      'version: 1\nservices:\n  - name: A_B\n    context: a\n    port: 1\n',
      /services\.yaml:3: service name "A_B" must be a DNS label/,
    ],
    [
      'version: 1\nservices:\n  - name: a\n    context: a\n    port: 1\n  - name: a\n    context: b\n    port: 2\n',
      /services\.yaml:6: duplicate service "a"/,
    ],
    [
      'version: 1\nservices:\n  - name: a\n    context: a\n    port: 1\n    test: { command: x, stage: y }\n',
      /services\.yaml:6: service "a": "test" needs exactly one of command or stage/,
    ],
    [
      'version: 1\nservices:\n  - name: a\n    port: 1\n',
      /services\.yaml:3: "context" must be a non-empty string/,
    ],
  ])('rejects %p with a line number', (text, message) => {
    expect(() => parseServicesFile(text, '/repo/services.yaml')).toThrow(message);
  });

  test('a missing context or Dockerfile is reported for that service', async () => {
    await withTempDir('services', async (dir) => {
      fs.mkdirSync(path.join(dir, 'api'));
      const file = path.join(dir, 'services.yaml');
      fs.writeFileSync(file, 'version: 1\nservices:\n  - name: api\n    context: api\n    port: 1\n');
      expect(() => loadServicesFile(file)).toThrow(
        `${file}:3: service "api": Dockerfile api/Dockerfile does not exist`,
      );
      fs.writeFileSync(file, 'version: 1\nservices:\n  - name: api\n    context: nowhere\n    port: 1\n');
      expect(() => loadServicesFile(file)).toThrow('context nowhere is not a directory');
      expect(() => loadServicesFile(path.join(dir, 'missing.yaml'))).toThrow('does not exist');
    });
  });

  test('selecting an unknown service lists the known ones', () => {
    const { services } = parseServicesFile(valid, '/repo/services.yaml');
    expect(selectServices(services, ['worker']).map((s) => s.name)).toEqual(['worker']);
    expect(selectServices(services, []).map((s) => s.name)).toEqual(['api', 'worker']);
    expect(() => selectServices(services, ['worker', 'web'])).toThrow(
      'input "services": unknown service "web"; the services file names api, worker',
    );
  });

  test("the repository's own ALT_LAS services file is valid", () => {
    const file = loadServicesFile(path.join(repoRoot, 'services.yaml'));
    expect(file.services.map((s) => [s.name, s.port, s.healthPath])).toEqual([
      ['api-gateway', 3000, '/health'],
      ['segmentation-service', 8000, '/health'],
      ['ai-orchestrator', 8001, '/health'],
      ['archive-service', 9000, '/health'],
    ]);
  });
});
