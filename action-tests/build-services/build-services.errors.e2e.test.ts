// Bad input and failing services, run through the bundle: each gives a clear error, and no
// archive of a failed service is left behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jest } from '@jest/globals';
import { readReleaseManifest } from '@alt-las/release-model';
import { makeTempDir, runAction } from '../harness';
import {
  exampleWorkspace,
  GOOD_SERVICES as GOOD,
  requireTools,
  serviceEntry as service,
  stageBusybox,
} from './example-services';

jest.setTimeout(120_000);

let dir: string;
let busybox: string;

beforeAll(() => {
  requireTools('buildah', 'busybox');
  dir = makeTempDir('build-services-errors');
  busybox = stageBusybox(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ws = (yaml: string, edit?: (root: string) => void) => exampleWorkspace(dir, yaml, edit);

async function runIn(root: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  const outputDir = path.join(root, 'out');
  const run = await runAction('build-services', {
    workspace: root,
    inputs: {
      builder: 'buildah',
      'output-dir': outputDir,
      'build-contexts': `busybox=${busybox}`,
      ...inputs,
    },
    env,
  });
  const archives = fs.existsSync(outputDir)
    ? fs.readdirSync(outputDir).filter((file) => file.includes('.oci.tar'))
    : [];
  const errors = run.annotations.filter((annotation) => annotation.level === 'error');
  return { run, archives, errors, outputDir };
}

test('a malformed services file names its line', async () => {
  const root = ws(
    'version: 1\nservices:\n  - name: archive-service\n    context: archive-service\n   port: [8080\n',
  );
  const { run, archives, errors } = await runIn(root);
  expect(run.exitCode).toBe(1);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(/services\.yaml:5: invalid YAML/);
  expect(archives).toEqual([]);
});

test('an unknown service in `services` lists the known ones', async () => {
  const { run, archives, errors } = await runIn(ws(GOOD), { services: 'archive-service, billing' });
  expect(run.exitCode).toBe(1);
  expect(errors[0]!.message).toBe(
    'input "services": unknown service "billing"; the services file names archive-service, segmentation-service',
  );
  expect(archives).toEqual([]);
});

test('a missing context and a missing Dockerfile are named with their service', async () => {
  const noContext = await runIn(ws(GOOD + service('billing')));
  expect(noContext.errors[0]!.message).toMatch(
    /services\.yaml:\d+: service "billing": context billing is not a directory/,
  );
  expect(noContext.archives).toEqual([]);

  const noDockerfile = await runIn(
    ws(GOOD, (root) => fs.rmSync(path.join(root, 'archive-service', 'Dockerfile'))),
  );
  expect(noDockerfile.errors[0]!.message).toMatch(
    /services\.yaml:\d+: service "archive-service": Dockerfile archive-service\/Dockerfile does not exist/,
  );
  expect(noDockerfile.archives).toEqual([]);
});

test('a Dockerfile syntax error names file and line before anything is built', async () => {
  const root = ws(GOOD, (root) => {
    const file = path.join(root, 'segmentation-service', 'Dockerfile');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('COPY app/ /app/', 'COPPY app/ /app/'));
  });
  const dockerfile = path.join(root, 'segmentation-service', 'Dockerfile');
  const line = fs.readFileSync(dockerfile, 'utf8').split('\n').indexOf('COPPY app/ /app/') + 1;
  expect(line).toBeGreaterThan(1);
  const { run, archives, errors } = await runIn(root);
  expect(run.exitCode).toBe(1);
  expect(errors[0]!.message).toBe(`${dockerfile}:${line}: unknown instruction "COPPY"`);
  expect(archives).toEqual([]);
  // Checked before the builder was even chosen: no build ran at all.
  expect(run.stdout).not.toContain('$ buildah');
});

test('a failing test command fails its service, the other finishes, and the action fails at the end', async () => {
  const yaml = GOOD.replace(
    'command: sh test/run.sh',
    'command: echo "health check returned 500" >&2; exit 4',
  );
  const { run, archives, errors, outputDir } = await runIn(ws(yaml), { parallel: '1' });
  expect(run.exitCode).toBe(1);
  expect(errors).toEqual([
    expect.objectContaining({
      message: expect.stringMatching(/exited with 4: health check returned 500/),
      properties: { title: 'archive-service: tests failed' },
    }),
    expect.objectContaining({ message: '1 of 2 service(s) failed: archive-service (test)' }),
  ]);
  expect(archives.sort()).toEqual([
    'segmentation-service.oci.tar',
    'segmentation-service.oci.tar.build.json',
  ]);
  const manifest = readReleaseManifest(path.join(outputDir, 'release-manifest.json'));
  expect(
    manifest.services.map((entry) => [entry.name, entry.test?.result, entry.build?.digest !== undefined]),
  ).toEqual([
    ['archive-service', 'failed', false],
    ['segmentation-service', 'passed', true],
  ]);
  expect(run.summary).toContain('**archive-service** (test)');
});

test('a failing RUN in the test stage is annotated on its Dockerfile line', async () => {
  const root = ws(GOOD, (root) => {
    fs.appendFileSync(
      path.join(root, 'segmentation-service', 'test', 'run.sh'),
      '\necho "segments wrong"; exit 1\n',
    );
  });
  const { run, archives, errors } = await runIn(root);
  expect(run.exitCode).toBe(1);
  const dockerfile = fs
    .readFileSync(path.join(root, 'segmentation-service', 'Dockerfile'), 'utf8')
    .split('\n');
  const runLine = dockerfile.findIndex((line) => line.startsWith('RUN ')) + 1;
  expect(errors[0]).toEqual({
    level: 'error',
    message: expect.stringContaining('test stage "test" failed'),
    properties: {
      title: 'segmentation-service: tests failed',
      file: 'segmentation-service/Dockerfile',
      line: String(runLine),
    },
  });
  expect(archives.filter((file) => file.startsWith('segmentation-service'))).toEqual([]);
});

test('a failing build step is annotated on its Dockerfile line and leaves no archive', async () => {
  const root = ws(GOOD, (root) => {
    fs.appendFileSync(path.join(root, 'archive-service', 'Dockerfile'), 'COPY missing.txt /missing.txt\n');
  });
  const { run, archives, errors } = await runIn(root, { services: 'archive-service' });
  expect(run.exitCode).toBe(1);
  const lines = fs
    .readFileSync(path.join(root, 'archive-service', 'Dockerfile'), 'utf8')
    .trimEnd()
    .split('\n');
  expect(errors[0]).toMatchObject({
    message: expect.stringContaining('missing.txt'),
    properties: {
      title: 'archive-service: image build failed',
      file: 'archive-service/Dockerfile',
      line: String(lines.length),
    },
  });
  expect(archives).toEqual([]);
});

test('no builder installed', async () => {
  const empty = path.join(dir, 'empty-path');
  fs.mkdirSync(empty, { recursive: true });
  const { run, archives, errors } = await runIn(ws(GOOD), { builder: 'auto' }, { PATH: empty });
  expect(run.exitCode).toBe(1);
  expect(errors[0]!.message).toMatch(
    /^input "builder": no image builder is installed; auto needs docker buildx .* or buildah/,
  );
  expect(archives).toEqual([]);
});

test('parallel: 0', async () => {
  const { run, archives, errors } = await runIn(ws(GOOD), { parallel: '0' });
  expect(run.exitCode).toBe(1);
  expect(errors[0]!.message).toBe('input "parallel": got "0", expected an integer >= 1 <= 32');
  expect(archives).toEqual([]);
});

test('a dry run checks the Dockerfiles and plans, with no builder and without building', async () => {
  const empty = path.join(dir, 'empty-path');
  fs.mkdirSync(empty, { recursive: true });
  const { run, archives, outputDir } = await runIn(
    ws(GOOD),
    { 'dry-run': 'true', builder: 'auto' },
    { PATH: empty },
  );
  expect(run.exitCode).toBe(0);
  expect(archives).toEqual([]);
  const manifest = readReleaseManifest(path.join(outputDir, 'release-manifest.json'));
  expect(manifest.release.dryRun).toBe(true);
  expect(manifest.services.map((entry) => [entry.name, entry.build, entry.test])).toEqual([
    ['archive-service', undefined, undefined],
    ['segmentation-service', undefined, undefined],
  ]);
  expect(JSON.parse(run.outputs.matrix!)).toEqual({
    include: [
      { service: 'archive-service', image: 'ghcr.io/alt-las/alt-las-archive-service' },
      { service: 'segmentation-service', image: 'ghcr.io/alt-las/alt-las-segmentation-service' },
    ],
  });
  expect(run.summary).toContain('build-services (dry run): 1.0.0');

  const broken = await runIn(
    ws(GOOD, (root) => fs.writeFileSync(path.join(root, 'archive-service', 'Dockerfile'), 'RUN true\n')),
    { 'dry-run': 'true' },
  );
  expect(broken.run.exitCode).toBe(1);
  expect(broken.errors[0]!.message).toMatch(/archive-service\/Dockerfile:1: expected FROM before RUN$/);
});
