import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionsExecRunner, systemClock } from '@alt-las/action-kit';
import {
  buildService,
  loadDockerfile,
  recordFileFor,
  type BuildOutcome,
  type ImageBuilder,
  type ServicePlan,
} from '@alt-las/build';
import { makeTempDir } from '../harness/paths';
import { writeOciArchive } from '../harness/registry/oci-fixtures';

/** A builder that writes a small real OCI archive whose content depends on the labels. */
class FakeBuilder implements ImageBuilder {
  readonly name = 'buildah';
  builds = 0;
  stages = 0;
  constructor(
    private readonly behaviour: {
      stage?: BuildOutcome;
      image?: BuildOutcome;
      reportDigest?: string;
    } = {},
  ) {}
  async buildStage() {
    this.stages++;
    return this.behaviour.stage ?? { ok: true, output: 'stage ok' };
  }
  async buildImage(spec: Parameters<ImageBuilder['buildImage']>[0]) {
    this.builds++;
    if (this.behaviour.image && !this.behaviour.image.ok) {
      fs.writeFileSync(spec.archive, 'half-written');
      return this.behaviour.image;
    }
    writeOciArchive(spec.archive, [
      [{ name: 'labels.json', data: Buffer.from(JSON.stringify(spec.labels)) }],
    ]);
    return { ok: true, output: 'built', reportedDigest: this.behaviour.reportDigest };
  }
  async cleanup() {}
}

function setup(
  dockerfile = 'FROM scratch AS base\nCOPY app.txt /app.txt\nFROM base AS test\nRUN ["/bin/true"]\nFROM base\n',
) {
  const dir = makeTempDir('build-service');
  const context = path.join(dir, 'svc');
  fs.mkdirSync(context);
  fs.writeFileSync(path.join(context, 'Dockerfile'), dockerfile);
  fs.writeFileSync(path.join(context, 'app.txt'), 'v1');
  const plan = (test: ServicePlan['test']): ServicePlan => ({
    name: 'svc',
    context,
    dockerfile: loadDockerfile(path.join(context, 'Dockerfile')),
    test,
    image: 'ghcr.io/o/svc',
    tag: 'ghcr.io/o/svc:1.0.0',
    refName: '1.0.0',
    labels: {
      'org.opencontainers.image.created': new Date().toISOString(),
      'org.opencontainers.image.version': '1.0.0',
    },
    buildArgs: {},
    buildContexts: {},
    archive: path.join(dir, 'out', 'svc.oci.tar'),
  });
  return { dir, context, plan };
}

const deps = (builder: ImageBuilder, runTests = true) => ({
  builder,
  builderVersion: 'fake 1.0',
  exec: actionsExecRunner,
  clock: systemClock,
  runTests,
  testTimeoutMs: 30_000,
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

test('a passing test command, then an archive whose digest is recorded', async () => {
  const { dir, plan } = setup();
  dirs.push(dir);
  const result = await buildService(
    plan({ command: 'test -f app.txt && echo tests ok' }),
    deps(new FakeBuilder()),
  );
  expect(result.failure).toBeUndefined();
  expect(result.test.result).toBe('passed');
  expect(result.log).toContain('tests ok');
  expect(result.build).toMatchObject({ archive: plan(undefined).archive, layers: 1, reused: false });
  expect(result.build!.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
  expect(fs.existsSync(`${plan(undefined).archive}.partial`)).toBe(false);
  expect(JSON.parse(fs.readFileSync(recordFileFor(plan(undefined).archive), 'utf8')).digest).toBe(
    result.build!.digest,
  );
});

test('a failing test command fails the service, skips the build and removes an older archive', async () => {
  const { dir, plan } = setup();
  dirs.push(dir);
  const builder = new FakeBuilder();
  await buildService(plan(undefined), deps(builder));
  expect(fs.existsSync(plan(undefined).archive)).toBe(true);

  const result = await buildService(plan({ command: 'echo "expected 200, got 500"; exit 3' }), deps(builder));
  expect(result.test.result).toBe('failed');
  expect(result.failure).toMatchObject({ phase: 'test' });
  expect(result.failure!.message).toContain('exited with 3');
  expect(result.failure!.message).toContain('expected 200, got 500');
  expect(builder.builds).toBe(1);
  expect(result.build).toBeUndefined();
  expect(fs.readdirSync(path.dirname(plan(undefined).archive))).toEqual([]);
});

test('a failing test stage blames its Dockerfile line', async () => {
  const { dir, plan } = setup();
  dirs.push(dir);
  const builder = new FakeBuilder({
    stage: { ok: false, output: 'Error: building at STEP "RUN /bin/true": exit status 1' },
  });
  const result = await buildService(plan({ stage: 'test' }), deps(builder));
  expect(result.failure).toMatchObject({ phase: 'test', line: 4 });
  expect(builder.builds).toBe(0);
});

test('a failed build leaves neither the half-written archive nor a record', async () => {
  const { dir, plan } = setup();
  dirs.push(dir);
  const builder = new FakeBuilder({
    image: { ok: false, output: 'Error: building at STEP "COPY app.txt /app.txt": no such file' },
  });
  const result = await buildService(plan(undefined), deps(builder));
  expect(result.failure).toEqual({
    phase: 'build',
    message: 'building at STEP "COPY app.txt /app.txt": no such file',
    line: 2,
  });
  expect(fs.readdirSync(path.dirname(plan(undefined).archive))).toEqual([]);
});

test('a digest the builder reports that differs from the archive fails the service', async () => {
  const { dir, plan } = setup();
  dirs.push(dir);
  const result = await buildService(
    plan(undefined),
    deps(new FakeBuilder({ reportDigest: `sha256:${'0'.repeat(64)}` })),
  );
  expect(result.failure?.message).toMatch(
    /reported image digest sha256:0{64}, but the archive holds sha256:/,
  );
  expect(fs.existsSync(plan(undefined).archive)).toBe(false);
});

test('an unchanged service keeps its archive; a changed file or label rebuilds it', async () => {
  const { dir, context, plan } = setup();
  dirs.push(dir);
  const builder = new FakeBuilder();
  const first = await buildService(plan({ stage: 'test' }), deps(builder));
  expect([builder.stages, builder.builds]).toEqual([1, 1]);

  // Only the build time differs: same build.
  const again = await buildService(plan({ stage: 'test' }), deps(builder));
  expect(again.build).toMatchObject({ reused: true, digest: first.build!.digest });
  expect(again.test).toMatchObject({ result: 'passed', detail: 'unchanged since the last passing run' });
  expect([builder.stages, builder.builds]).toEqual([1, 1]);

  fs.writeFileSync(path.join(context, 'app.txt'), 'v2');
  const changed = await buildService(plan({ stage: 'test' }), deps(builder));
  expect(changed.build!.reused).toBe(false);
  expect([builder.stages, builder.builds]).toEqual([2, 2]);

  const relabelled = plan({ stage: 'test' });
  relabelled.labels = { ...relabelled.labels, team: 'platform' };
  const labelled = await buildService(relabelled, deps(builder));
  expect(labelled.build!.reused).toBe(false);
  expect(labelled.build!.digest).not.toBe(changed.build!.digest);
});

test('an archive replaced since it was recorded is rebuilt, not trusted', async () => {
  const { dir, plan } = setup();
  dirs.push(dir);
  const builder = new FakeBuilder();
  await buildService(plan(undefined), deps(builder));
  writeOciArchive(plan(undefined).archive, [[{ name: 'other', data: Buffer.from('tampered') }]]);
  const result = await buildService(plan(undefined), deps(builder));
  expect(result.build!.reused).toBe(false);
  expect(builder.builds).toBe(2);
});

test('run-tests false skips the tests and says why', async () => {
  const { dir, plan } = setup();
  dirs.push(dir);
  const result = await buildService(plan({ command: 'exit 1' }), deps(new FakeBuilder(), false));
  expect(result.test).toEqual({ result: 'skipped', durationMs: 0, detail: 'run-tests is false' });
  expect(result.build).toBeDefined();
});
