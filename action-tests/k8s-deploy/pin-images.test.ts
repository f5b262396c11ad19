import {
  annotateWorkloads,
  ANNOTATIONS,
  containersOf,
  objectKey,
  podTemplate,
  normalizeRepository,
  parseImageLines,
  parseManifestText,
  pinImages,
  releasedImagesFromManifest,
  validateObjects,
} from '@alt-las/kube';
import { createReleaseManifest } from '@alt-las/release-model';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

const workloads = (...images: string[][]) =>
  validateObjects(
    parseManifestText(
      images
        .map(
          (containers, i) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: w${i} }
spec:
  selector: { matchLabels: { app: w${i} } }
  template:
    metadata: { labels: { app: w${i} } }
    spec:
      initContainers: []
      containers:
${containers.map((image, j) => `        - { name: c${j}, image: "${image}" }`).join('\n')}`,
        )
        .join('\n---\n'),
      'k/app.yaml',
    ),
    'ns',
  );

const imageOf = (objects: ReturnType<typeof workloads>, i: number, j = 0) =>
  containersOf(objects[i]!.object)[j]!.image;

test('repositories compare in one normal form (Docker Hub defaults, registries with ports)', () => {
  expect(normalizeRepository('postgres:16')).toBe('docker.io/library/postgres');
  expect(normalizeRepository('docker.io/library/postgres@sha256:abc')).toBe('docker.io/library/postgres');
  expect(normalizeRepository('127.0.0.1:5000/o/x:1.0.0')).toBe('127.0.0.1:5000/o/x');
});

test('pins released images by exact repository, keeping the tag, including a registry with a port', () => {
  const objects = workloads(
    ['127.0.0.1:5000/o/alt-las-api:1.0.0'],
    ['ghcr.io/o/alt-las-web:1.0.0', 'ghcr.io/o/alt-las-api-extra:1'],
  );
  const result = pinImages(objects, [
    { source: 'api', repository: '127.0.0.1:5000/o/alt-las-api', digest: D1 },
    { source: 'web', repository: 'ghcr.io/o/alt-las-web', digest: D2 },
    { source: 'extra', repository: 'ghcr.io/o/alt-las-api-extra', digest: D2 },
  ]);
  expect(imageOf(objects, 0)).toBe(`127.0.0.1:5000/o/alt-las-api:1.0.0@${D1}`);
  expect(imageOf(objects, 1)).toBe(`ghcr.io/o/alt-las-web:1.0.0@${D2}`);
  expect(result.pins.map((pin) => pin.source)).toEqual(['api', 'web', 'extra']);
  expect(result.unpinnedThirdParty).toEqual([]);
});

test('a released image that no container runs is an error before anything is applied', () => {
  const objects = workloads(['ghcr.io/o/alt-las-api:1.0.0']);
  expect(() =>
    pinImages(objects, [
      { source: 'api', repository: 'ghcr.io/o/alt-las-api', digest: D1 },
      { source: 'archive', repository: 'ghcr.io/o/alt-las-archive', digest: D2 },
    ]),
  ).toThrow(/released image ghcr\.io\/o\/alt-las-archive \(archive\) is not run by any container/);
});

test('a prefix is not a match: ghcr.io/o/api does not pin ghcr.io/o/api-v2', () => {
  const objects = workloads(['ghcr.io/o/api-v2:1']);
  expect(() => pinImages(objects, [{ source: 'api', repository: 'ghcr.io/o/api', digest: D1 }])).toThrow(
    /k\/app\.yaml:1: Deployment "w0" container "c0" runs the mutable tag ghcr\.io\/o\/api-v2:1/,
  );
});

test("a mutable tag in the release's own namespace is refused; third-party tags are listed, already-pinned ones pass", () => {
  const objects = workloads(['ghcr.io/o/alt-las-api:1', 'postgres:16', `quay.io/p/exporter@${D2}`]);
  const result = pinImages(objects, [{ source: 'api', repository: 'ghcr.io/o/alt-las-api', digest: D1 }]);
  expect(result.unpinnedThirdParty).toEqual(['Deployment/w0 c1: postgres:16']);
  const pinnedByLine = workloads(['ghcr.io/o/alt-las-api:1', 'postgres:16']);
  pinImages(pinnedByLine, [
    { source: 'api', repository: 'ghcr.io/o/alt-las-api', digest: D1 },
    ...parseImageLines([`docker.io/library/postgres@${D2}`]),
  ]);
  expect(imageOf(pinnedByLine, 0, 1)).toBe(`postgres:16@${D2}`);
});

test('the images input must be repository@sha256 lines', () => {
  expect(() => parseImageLines(['ghcr.io/o/x:1.0.0'])).toThrow(
    /input "images": "ghcr\.io\/o\/x:1\.0\.0" is not of the form repository@sha256/,
  );
  expect(parseImageLines([`ghcr.io/o/x@${D1}`])[0]).toEqual({
    source: 'ghcr.io/o/x',
    repository: 'ghcr.io/o/x',
    digest: D1,
  });
});

test('the release manifest gives the pushed digest; an unpublished service is refused unless planning', () => {
  const manifest = createReleaseManifest({ version: '1.0.0', tags: [] }, [
    { name: 'api', image: 'ghcr.io/o/alt-las-api', build: { archive: 'a.tar', digest: D1 } },
  ]);
  expect(() => releasedImagesFromManifest(manifest, false)).toThrow(/service "api" has no pushed digest/);
  expect(releasedImagesFromManifest(manifest, true)).toEqual([
    { source: 'api', repository: 'ghcr.io/o/alt-las-api', digest: D1 },
  ]);
});

test('workloads get version, sha and run URL; only the pod templates this release pins get the version', () => {
  const objects = workloads(['x@' + D1], ['docker.io/library/postgres:16']).map((entry) => entry.object);
  annotateWorkloads(
    objects,
    { version: '1.2.0', gitSha: 'abc', runUrl: 'https://example.test/run/1' },
    new Set([objectKey(objects[0]!)]),
  );
  for (const object of objects) {
    expect(object.metadata.annotations).toEqual({
      [ANNOTATIONS.version]: '1.2.0',
      [ANNOTATIONS.gitSha]: 'abc',
      [ANNOTATIONS.runUrl]: 'https://example.test/run/1',
    });
  }
  expect(podTemplate(objects[0]!)!.metadata!.annotations).toEqual({ [ANNOTATIONS.version]: '1.2.0' });
  // A workload this release does not pin (a database) is not restarted by a new release.
  expect(podTemplate(objects[1]!)!.metadata!.annotations).toBeUndefined();
});
