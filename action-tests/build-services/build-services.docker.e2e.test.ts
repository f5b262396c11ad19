// The docker path, checked at the command level: the bundle runs against a fake `docker` on PATH
// that records its arguments and answers like docker buildx (no Docker engine on this machine).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jest } from '@jest/globals';
import { readReleaseManifest } from '@alt-las/release-model';
import { makeTempDir, runAction } from '../harness';
import { writeOciArchive } from '../harness/registry/oci-fixtures';
import { exampleWorkspace, GOOD_SERVICES } from './example-services';
import { installFakeDocker, type FakeDockerOptions } from './fake-docker';

jest.setTimeout(60_000);

let dir: string;
let image: { file: string; digest: string };

beforeAll(() => {
  dir = makeTempDir('build-services-docker');
  image = writeOciArchive(path.join(dir, 'fixture.oci.tar'), [
    [{ name: 'app.txt', data: Buffer.from('app') }],
  ]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function runWithFake(
  options: Partial<FakeDockerOptions>,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  const root = exampleWorkspace(dir, GOOD_SERVICES);
  const fake = installFakeDocker(path.join(root, 'fake'), {
    archive: image.file,
    digest: image.digest,
    ...options,
  });
  const outputDir = path.join(root, 'out');
  const run = await runAction('build-services', {
    workspace: root,
    inputs: { 'output-dir': outputDir, 'build-contexts': `busybox=${root}/fake`, parallel: '1', ...inputs },
    env: { PATH: `${fake.bin}:${process.env.PATH}`, ...fake.env, ...env },
  });
  const builds = fake.commands().filter((args) => args[0] === 'buildx' && args[1] === 'build');
  return { root, run, outputDir, commands: fake.commands(), builds };
}

const flagValues = (args: string[], flag: string) =>
  args.flatMap((arg, i) => (args[i - 1] === flag ? [arg] : []));

test('auto picks docker when the engine answers and builds each service to an OCI archive', async () => {
  const { root, run, outputDir, commands, builds } = await runWithFake({});
  expect(run.exitCode).toBe(0);
  expect(commands.map((args) => args.slice(0, 2).join(' '))).toEqual([
    'version --format',
    'buildx version',
    'buildx inspect',
    'buildx create',
    'buildx build',
    'buildx build',
    'buildx build',
    'buildx rm',
  ]);
  const builderName = commands[3]![3]!;
  expect(builderName).toMatch(/^alt-las-build-\d+-[a-z0-9]+$/);
  expect(commands[3]).toEqual(['buildx', 'create', '--name', builderName, '--driver', 'docker-container']);
  // The builder this run created is the one it builds with and removes.
  expect(commands.at(-1)).toEqual(['buildx', 'rm', builderName]);
  const [archiveBuild, stageBuild, segmentationBuild] = builds as [string[], string[], string[]];

  expect(archiveBuild).toEqual(
    expect.arrayContaining(['--builder', builderName, '--provenance=false', '--sbom=false']),
  );
  expect(flagValues(archiveBuild, '--file')).toEqual([path.join(root, 'archive-service', 'Dockerfile')]);
  expect(flagValues(archiveBuild, '--tag')).toEqual(['ghcr.io/alt-las/alt-las-archive-service:1.0.0']);
  expect(flagValues(archiveBuild, '--output')).toEqual([
    `type=oci,dest=${outputDir}/archive-service.oci.tar.partial,name=ghcr.io/alt-las/alt-las-archive-service:1.0.0,oci-mediatypes=true`,
  ]);
  expect(flagValues(archiveBuild, '--build-context')).toEqual([`busybox=${root}/fake`]);
  expect(flagValues(archiveBuild, '--label')).toEqual(
    expect.arrayContaining([
      'org.opencontainers.image.source=https://github.com/alt-las/alt-las',
      'org.opencontainers.image.revision=0123456789abcdef0123456789abcdef01234567',
      'org.opencontainers.image.version=1.0.0',
      'org.opencontainers.image.title=archive-service',
      expect.stringMatching(/^org\.opencontainers\.image\.created=\d{4}-\d\d-\d\dT/),
    ]),
  );
  expect(archiveBuild.at(-1)).toBe(path.join(root, 'archive-service'));
  // Without the runner's cache service there are no cache flags.
  expect(archiveBuild).not.toContain('--cache-from');

  // The test stage is built on its own, exporting nothing.
  expect(flagValues(stageBuild, '--target')).toEqual(['test']);
  expect(flagValues(stageBuild, '--output')).toEqual(['type=cacheonly']);
  expect(flagValues(segmentationBuild, '--target')).toEqual([]);

  const manifest = readReleaseManifest(run.outputs['release-manifest']!);
  for (const service of manifest.services) {
    expect(service.build).toMatchObject({ builder: 'docker', digest: image.digest, layers: 1 });
    expect(fs.existsSync(service.build!.archive)).toBe(true);
  }
});

test('the GitHub Actions cache is used when the runner offers it, without putting its token on a command line', async () => {
  const token = 'canary-runtime-token-6c1f';
  const { run, builds } = await runWithFake(
    {},
    {},
    { ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache/', ACTIONS_RUNTIME_TOKEN: token },
  );
  expect(run.exitCode).toBe(0);
  for (const build of builds) {
    const service = build.at(-1)!.split('/').pop();
    expect(flagValues(build, '--cache-from')).toEqual([`type=gha,scope=alt-las-${service}`]);
    expect(flagValues(build, '--cache-to')).toEqual([`type=gha,mode=max,scope=alt-las-${service}`]);
    expect(build.join(' ')).not.toContain(token);
  }
  expect(run.stdout + run.summary).not.toContain(token);
});

test('an existing docker-container builder is used as it is', async () => {
  const { run, commands } = await runWithFake({ driver: 'docker-container' });
  expect(run.exitCode).toBe(0);
  expect(commands.map((args) => args.slice(0, 2).join(' '))).not.toContain('buildx create');
  expect(commands.map((args) => args.slice(0, 2).join(' '))).not.toContain('buildx rm');
});

test('a digest in the metadata that differs from the archive fails the service', async () => {
  const { run } = await runWithFake({ digest: `sha256:${'9'.repeat(64)}` }, { services: 'archive-service' });
  expect(run.exitCode).toBe(1);
  expect(run.annotations[0]!.message).toBe(
    `docker reported image digest sha256:${'9'.repeat(64)}, but the archive holds ${image.digest}`,
  );
});

test('a failing test stage is annotated on the line buildx names', async () => {
  const { run, outputDir } = await runWithFake({ failTarget: 'test', failLine: 16 });
  expect(run.exitCode).toBe(1);
  expect(run.annotations[0]).toEqual({
    level: 'error',
    message:
      'test stage "test" failed: failed to solve: process "/bin/busybox sh /test/run.sh" did not complete successfully: exit code: 1',
    properties: {
      title: 'segmentation-service: tests failed',
      file: 'segmentation-service/Dockerfile',
      line: '16',
    },
  });
  expect(fs.readdirSync(outputDir).filter((file) => file.startsWith('segmentation-service'))).toEqual([]);
});

test('builder docker without a running engine is a clear error', async () => {
  const { run, builds } = await runWithFake({ engine: 'down' }, { builder: 'docker' });
  expect(run.exitCode).toBe(1);
  expect(run.annotations[0]!.message).toBe(
    'input "builder": docker was chosen, but docker buildx with a running engine is not available (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?)',
  );
  expect(builds).toEqual([]);
});
