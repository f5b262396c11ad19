import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Exec, ExecResult } from '@alt-las/action-kit';
import {
  BuildahBuilder,
  DockerBuilder,
  parseBuildxMetadata,
  runWithLimit,
  selectBuilder,
  type CommandRunner,
} from '@alt-las/build';

const ok = (stdout = ''): ExecResult => ({ exitCode: 0, stdout, stderr: '' });
const spec = {
  service: 'api',
  context: '/src/api',
  dockerfile: '/src/api/Dockerfile',
  buildArgs: { B: '2', A: '1' },
  buildContexts: { busybox: '/stage' },
};

/** Records every command and answers from a table keyed by its first three, two or one words. */
function recorder(answers: Record<string, ExecResult | Error> = {}) {
  const calls: string[][] = [];
  const run: CommandRunner & Exec = async (command: string, args: string[]) => {
    calls.push([command, ...args]);
    const words = [command, ...args];
    const answer = [3, 2, 1].map((n) => answers[words.slice(0, n).join(' ')]).find(Boolean);
    if (answer instanceof Error) throw answer;
    return answer ?? ok();
  };
  return { calls, run };
}

describe('BuildahBuilder', () => {
  test('builds in a storage root of its own per service, committing to an oci-archive in one bud', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'buildah-storage-'));
    const { calls, run } = recorder();
    const builder = new BuildahBuilder(root);
    const outcome = await builder.buildImage(
      {
        ...spec,
        tag: 'ghcr.io/o/api:1.0.0',
        refName: '1.0.0',
        labels: { 'x.y': 'z', 'a.b': 'say "hi" to $USER\\' },
        archive: '/out/api.oci.tar',
      },
      run,
    );
    expect(outcome.ok).toBe(true);
    const storage = [
      '--root',
      `${root}/api/storage`,
      '--runroot',
      `${root}/api/run`,
      '--storage-driver',
      'vfs',
    ];
    expect(calls).toEqual([
      [
        'buildah',
        ...storage,
        'bud',
        '--isolation',
        'chroot',
        '--layers=false',
        '--file',
        '/src/api/Dockerfile',
        '--build-arg',
        'A=1',
        '--build-arg',
        'B=2',
        '--build-context',
        'busybox=/stage',
        '--file',
        `${root}/api/labels.Dockerfile`,
        '--disable-compression=false',
        '--tag',
        'oci-archive:/out/api.oci.tar:1.0.0',
        '/src/api',
      ],
    ]);
    // One LABEL step for all labels, quoted so that no value is expanded or cut.
    expect(fs.readFileSync(`${root}/api/labels.Dockerfile`, 'utf8')).toBe(
      'LABEL "a.b"="say \\"hi\\" to \\$USER\\\\" "x.y"="z"\n',
    );
    await builder.cleanup(run);
  });

  test('without labels there is no second Dockerfile', async () => {
    const { calls, run } = recorder();
    await new BuildahBuilder('/r').buildImage(
      { ...spec, tag: 't:1', refName: '1', labels: {}, archive: '/a' },
      run,
    );
    expect(calls[0]).not.toContain('/r/api/labels.Dockerfile');
    expect(calls[0]!.filter((word) => word === '--file')).toHaveLength(1);
  });

  test('a failed bud is reported with its output', async () => {
    const { calls, run } = recorder({ buildah: { exitCode: 125, stdout: '', stderr: 'Error: boom' } });
    const outcome = await new BuildahBuilder('/r').buildImage(
      { ...spec, tag: 't:1', refName: '1', labels: {}, archive: '/a' },
      run,
    );
    expect(outcome).toEqual({ ok: false, output: 'Error: boom' });
    expect(calls).toHaveLength(1);
  });

  test("frees one service's storage when it is done, and the rest at cleanup", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'buildah-storage-'));
    for (const service of ['api', 'web'])
      fs.mkdirSync(path.join(root, service, 'storage'), { recursive: true });
    const { run } = recorder();
    const builder = new BuildahBuilder(root);
    await builder.releaseService('api', run);
    expect(fs.readdirSync(root)).toEqual(['web']);
    await builder.cleanup(run);
    expect(fs.existsSync(root)).toBe(false);
  });

  test('a test stage is a bud with --target and nothing pushed', async () => {
    const { calls, run } = recorder();
    await new BuildahBuilder('/r').buildStage({ ...spec, target: 'test' }, run);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.slice(-3)).toEqual(['--target', 'test', '/src/api']);
  });
});

describe('DockerBuilder', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;

  test('creates a docker-container builder when the default one uses the docker driver, and removes it', async () => {
    const { calls, run } = recorder({ 'docker buildx inspect': ok('Name: default\nDriver: docker\n') });
    const builder = new DockerBuilder({ workDir: '/tmp/w', env: {}, builderId: 'run7' });
    await builder.buildStage({ ...spec, target: 'test' }, run);
    await builder.buildStage({ ...spec, target: 'test' }, run);
    await builder.cleanup(run);
    expect(calls.map((call) => call.slice(0, 3).join(' '))).toEqual([
      'docker buildx inspect',
      'docker buildx create',
      'docker buildx build',
      'docker buildx build',
      'docker buildx rm',
    ]);
    expect(calls[1]).toEqual([
      'docker',
      'buildx',
      'create',
      '--name',
      'alt-las-build-run7',
      '--driver',
      'docker-container',
    ]);
    expect(calls[4]).toEqual(['docker', 'buildx', 'rm', 'alt-las-build-run7']);
    expect(calls[2]).toEqual(
      expect.arrayContaining(['--builder', 'alt-las-build-run7', '--output', 'type=cacheonly']),
    );
  });

  test('uses the current builder when it can export OCI archives', async () => {
    const { calls, run } = recorder({ 'docker buildx inspect': ok('Name: ci\nDriver: docker-container\n') });
    const builder = new DockerBuilder({ workDir: '/tmp/w', env: {} });
    await builder.buildStage({ ...spec, target: 'test' }, run);
    await builder.cleanup(run);
    expect(calls.map((call) => call.slice(0, 3).join(' '))).toEqual([
      'docker buildx inspect',
      'docker buildx build',
    ]);
    expect(calls[1]).not.toContain('--builder');
  });

  test('uses the GitHub Actions cache only when the runner provides it', () => {
    const without = new DockerBuilder({ workDir: '/w', env: { ACTIONS_CACHE_URL: 'https://cache' } });
    expect(without.buildArgs(spec)).not.toContain('--cache-from');
    const withCache = new DockerBuilder({
      workDir: '/w',
      env: { ACTIONS_CACHE_URL: 'https://cache', ACTIONS_RUNTIME_TOKEN: 'token-value' },
    });
    const args = withCache.buildArgs(spec);
    expect(args).toEqual(
      expect.arrayContaining([
        '--cache-from',
        'type=gha,scope=alt-las-api',
        '--cache-to',
        'type=gha,mode=max,scope=alt-las-api',
      ]),
    );
    // buildx reads the token from the environment; it never goes on a command line.
    expect(args.join(' ')).not.toContain('token-value');
    const newerService = new DockerBuilder({
      workDir: '/w',
      env: { ACTIONS_RESULTS_URL: 'https://results', ACTIONS_RUNTIME_TOKEN: 'token-value' },
    });
    expect(newerService.buildArgs(spec)).toContain('type=gha,scope=alt-las-api');
  });

  test('reads the manifest digest from the buildx metadata file', () => {
    expect(parseBuildxMetadata(JSON.stringify({ 'containerimage.digest': digest }))).toBe(digest);
    expect(
      parseBuildxMetadata(
        JSON.stringify({
          'containerimage.descriptor': {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest,
            size: 1,
          },
          'containerimage.digest': `sha256:${'cd'.repeat(32)}`,
        }),
      ),
    ).toBe(digest);
    expect(parseBuildxMetadata('{"containerimage.digest":"not-a-digest"}')).toBeUndefined();
    expect(parseBuildxMetadata('garbage')).toBeUndefined();
  });
});

describe('selectBuilder', () => {
  const daemonDown: ExecResult = {
    exitCode: 1,
    stdout: '',
    stderr:
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
  };
  const missing = (program: string) => new Error(`Unable to locate executable file: ${program}`);

  test('auto takes docker when its engine answers', async () => {
    const { run } = recorder();
    expect((await selectBuilder('auto', { exec: run, workDir: '/w' })).builder.name).toBe('docker');
  });

  test('auto falls back to buildah when the docker CLI has no engine', async () => {
    const { run } = recorder({ 'docker version': daemonDown });
    expect((await selectBuilder('auto', { exec: run, workDir: '/w' })).builder.name).toBe('buildah');
  });

  test('the version the selection probed is the one reported, asked once', async () => {
    const { calls, run } = recorder({
      'docker version': daemonDown,
      'buildah --version': ok('buildah version 1.28.2 (image-spec 1.1.0-rc2, runtime-spec 1.0.2-dev)\n'),
    });
    const selected = await selectBuilder('auto', { exec: run, workDir: '/w' });
    expect(selected.version).toBe('buildah version 1.28.2 (image-spec 1.1.0-rc2, runtime-spec 1.0.2-dev)');
    expect(calls.filter((call) => call[0] === 'buildah')).toHaveLength(1);
    const docker = await selectBuilder('docker', {
      exec: recorder({ 'docker buildx version': ok('github.com/docker/buildx v0.19.3 48d6a39\n') }).run,
      workDir: '/w',
    });
    expect(docker.version).toBe('github.com/docker/buildx v0.19.3 48d6a39');
  });

  test('auto with neither installed is a configuration error naming both', async () => {
    const { run } = recorder({
      'docker version': missing('docker'),
      'buildah --version': missing('buildah'),
    });
    await expect(selectBuilder('auto', { exec: run, workDir: '/w' })).rejects.toThrow(
      /input "builder": no image builder is installed; auto needs docker buildx .*Unable to locate executable file: docker.* or buildah \(Unable to locate executable file: buildah\)/,
    );
  });

  test('an explicit docker without an engine says why', async () => {
    const { run } = recorder({ 'docker version': daemonDown });
    await expect(selectBuilder('docker', { exec: run, workDir: '/w' })).rejects.toThrow(
      'input "builder": docker was chosen, but docker buildx with a running engine is not available (Cannot connect to the Docker daemon',
    );
  });

  test('an explicit buildah that is missing says so', async () => {
    const { run } = recorder({ 'buildah --version': missing('buildah') });
    await expect(selectBuilder('buildah', { exec: run, workDir: '/w' })).rejects.toThrow(
      'input "builder": buildah was chosen, but it is not installed',
    );
  });
});

describe('runWithLimit', () => {
  test('never runs more than the limit at once and keeps the order of results', async () => {
    let running = 0;
    let peak = 0;
    const results = await runWithLimit([30, 5, 20, 10, 1], 2, async (ms) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return ms * 2;
    });
    expect(peak).toBe(2);
    expect(results).toEqual([60, 10, 40, 20, 2].map((value) => ({ ok: true, value })));
  });

  test('a failing task does not stop the others', async () => {
    const seen: number[] = [];
    const results = await runWithLimit([1, 2, 3], 1, async (n) => {
      seen.push(n);
      if (n === 2) throw new Error('two');
      return n;
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(results[1]).toEqual({ ok: false, error: new Error('two') });
    expect(results[2]).toEqual({ ok: true, value: 3 });
  });

  test('with limit 2, two tasks of 100ms take about 100ms, not 200ms', async () => {
    const started = Date.now();
    await runWithLimit([100, 100], 2, (ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    expect(Date.now() - started).toBeLessThan(180);
  });

  test('rejects a limit below 1', async () => {
    await expect(runWithLimit([1], 0, async () => 1)).rejects.toThrow('limit must be an integer >= 1, got 0');
  });
});
