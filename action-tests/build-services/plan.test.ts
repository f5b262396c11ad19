import * as fs from 'node:fs';
import * as path from 'node:path';
import { ociLabels, planServices, stableLabels } from '@alt-las/build';
import { nameRelease, parseServicesFile } from '@alt-las/release-model';
import { makeTempDir } from '../harness/paths';

const context = {
  repository: 'Alt-Las/alt-las',
  revision: 'abc123',
  version: '1.2.3',
  created: '2026-01-02T03:04:05Z',
  title: 'api',
};

describe('ociLabels', () => {
  test('sets the OCI annotations that link the image to its repository and release', () => {
    expect(ociLabels(context)).toEqual({
      'org.opencontainers.image.source': 'https://github.com/Alt-Las/alt-las',
      'org.opencontainers.image.url': 'https://github.com/Alt-Las/alt-las',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.created': '2026-01-02T03:04:05Z',
      'org.opencontainers.image.title': 'api',
    });
  });

  test('user labels come last and may override', () => {
    const labels = ociLabels(
      { ...context, serverUrl: 'https://github.example.com/' },
      { 'org.opencontainers.image.title': 'API Gateway', team: 'platform' },
    );
    expect(labels['org.opencontainers.image.source']).toBe('https://github.example.com/Alt-Las/alt-las');
    expect(labels['org.opencontainers.image.title']).toBe('API Gateway');
    expect(labels.team).toBe('platform');
  });

  test('a label name with spaces is an input error', () => {
    expect(() => ociLabels(context, { 'my label': 'x' })).toThrow(
      'input "labels": "my label" is not a label name; expected letters, digits and . _ / -',
    );
  });

  test('the build time is not part of what makes two builds the same', () => {
    expect(stableLabels(ociLabels(context))).not.toHaveProperty(['org.opencontainers.image.created']);
  });
});

describe('planServices', () => {
  const root = makeTempDir('plan');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'svc'));
  fs.writeFileSync(
    path.join(root, 'svc', 'Dockerfile'),
    'FROM scratch AS base\nFROM base AS unit\nFROM base\n',
  );
  const file = parseServicesFile(
    'version: 1\nservices:\n  - name: svc\n    context: svc\n    port: 80\n    build-args: { A: from-file, B: kept }\n    test: { stage: unit }\n',
    path.join(root, 'services.yaml'),
  );
  const release = nameRelease(
    { ref: 'refs/tags/v2.0.0', sha: 'abcdef0123456', owner: 'Alt-Las', repository: 'Alt-Las/alt-las' },
    { registry: 'ghcr.io' },
  );
  const options = {
    root,
    outputDir: path.join(root, 'out'),
    runTests: true,
    buildArgs: { A: 'from-input' },
    buildContexts: {},
    labels: {},
    created: '2026-01-01T00:00:00Z',
    repository: 'Alt-Las/alt-las',
  };

  test('names the image, archive and tag, and lets input build args override the file', () => {
    const [plan] = planServices(file.services, release, options);
    expect(plan).toMatchObject({
      name: 'svc',
      image: 'ghcr.io/alt-las/alt-las-svc',
      tag: 'ghcr.io/alt-las/alt-las-svc:2.0.0',
      refName: '2.0.0',
      archive: path.join(root, 'out', 'svc.oci.tar'),
      buildArgs: { A: 'from-input', B: 'kept' },
    });
    expect(plan!.labels['org.opencontainers.image.revision']).toBe('abcdef0123456');
  });

  test('a test stage the Dockerfile lacks is caught before anything runs, unless tests are off', () => {
    const missing = { ...file.services[0]!, test: { stage: 'test' } };
    expect(() => planServices([missing], release, options)).toThrow(
      /Dockerfile: has no stage "test" for the tests \(stages: base, unit\)/,
    );
    expect(planServices([missing], release, { ...options, runTests: false })).toHaveLength(1);
  });

  test('a named build context must be a directory', () => {
    expect(() =>
      planServices(file.services, release, {
        ...options,
        buildContexts: { busybox: path.join(root, 'nope') },
      }),
    ).toThrow(`input "build-contexts": busybox=${path.join(root, 'nope')} is not a directory`);
  });
});
