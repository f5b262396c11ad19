import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ConfigurationError,
  MemoryLogger,
  TimeoutError,
  type Exec,
  type ToolCache,
} from '@alt-las/action-kit';
import { ApplyConflictError, ClusterUnreachableError, Kubectl, resolveKubectl } from '@alt-las/kube';
import { makeTempDir } from '../harness/paths';

function fakeExec(reply: (args: string[]) => { exitCode: number; stdout?: string; stderr?: string } | Error) {
  const calls: { command: string; args: string[]; input?: string }[] = [];
  const exec: Exec = async (command, args, options) => {
    calls.push({ command, args, input: options?.input });
    const result = reply(args);
    if (result instanceof Error) throw result;
    return { stdout: '', stderr: '', ...result };
  };
  return { exec, calls };
}

test('every call carries kubeconfig, context and request timeout; manifests go through stdin', async () => {
  const stored = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', generation: 2 } };
  const fake = fakeExec(() => ({ exitCode: 0, stdout: JSON.stringify({ kind: 'List', items: [stored] }) }));
  const kubectl = new Kubectl(fake.exec, {
    binary: '/bin/kubectl',
    kubeconfig: '/tmp/k',
    context: 'prod',
    requestTimeoutMs: 30_000,
  });
  const applied = await kubectl.apply('kind: X', {
    serverSide: true,
    fieldManager: 'fm',
    forceConflicts: true,
  });
  expect(applied).toEqual([stored]);
  expect(fake.calls[0]).toEqual({
    command: '/bin/kubectl',
    args: [
      '--kubeconfig',
      '/tmp/k',
      '--context',
      'prod',
      '--request-timeout=30s',
      'apply',
      '-f',
      '-',
      '--field-manager=fm',
      '-o',
      'json',
      '--server-side',
      '--force-conflicts',
    ],
    input: 'kind: X',
  });
});

test('errors are told apart: unreachable cluster, bad kubeconfig, apply conflict, missing kubectl', async () => {
  const reply = (stderr: string) =>
    new Kubectl(fakeExec(() => ({ exitCode: 1, stderr })).exec, { binary: 'kubectl' });
  await expect(
    reply('Unable to connect to the server: dial tcp 127.0.0.1:1: connect: connection refused').run([
      'get',
      'pods',
    ]),
  ).rejects.toThrow(ClusterUnreachableError);
  await expect(
    reply('error: error loading config file "/tmp/k": yaml: line 2').run(['get', 'pods']),
  ).rejects.toThrow(/input "kubeconfig": kubectl cannot use it/);
  await expect(
    reply(
      'error: Apply failed with 1 conflict: conflict with "other-team" using apps/v1: .spec.replicas',
    ).apply('x', {
      serverSide: true,
      fieldManager: 'fm',
      forceConflicts: false,
    }),
  ).rejects.toThrow(ApplyConflictError);
  const missing = new Kubectl(fakeExec(() => new Error('Unable to locate executable file: kubectl')).exec, {
    binary: 'kubectl',
  });
  await expect(missing.run(['version'])).rejects.toThrow(
    /kubectl could not be started.*set input "kubectl-version"/,
  );
  const slow = new Kubectl(fakeExec(() => new TimeoutError('kubectl did not finish within 5s')).exec, {
    binary: 'kubectl',
  });
  await expect(slow.run(['get', 'pods'])).rejects.toThrow(ClusterUnreachableError);
});

test('reachability needs a server version; a diff exit code 1 means differences, not failure', async () => {
  const up = new Kubectl(
    fakeExec((args) =>
      args.includes('version')
        ? { exitCode: 0, stdout: '{"serverVersion":{"gitVersion":"v1.32.0"}}' }
        : { exitCode: 1, stdout: '-a\n+b' },
    ).exec,
    { binary: 'k' },
  );
  await expect(up.checkReachable(2000)).resolves.toBe('v1.32.0');
  await expect(up.diff('x', { serverSide: true, fieldManager: 'fm', forceConflicts: false })).resolves.toBe(
    '-a\n+b',
  );
  const down = new Kubectl(
    fakeExec(() => ({
      exitCode: 1,
      stdout: '{"clientVersion":{}}',
      stderr: 'The connection to the server 127.0.0.1:1 was refused',
    })).exec,
    { binary: 'k' },
  );
  await expect(down.checkReachable(2000)).rejects.toThrow(
    /cannot reach the cluster within 2s: The connection to the server 127.0.0.1:1 was refused/,
  );
});

describe('finding kubectl', () => {
  test('"path" uses kubectl from PATH, and says what to do when there is none', async () => {
    const logger = new MemoryLogger();
    await expect(resolveKubectl('path', { logger, find: async () => '/usr/bin/kubectl' })).resolves.toBe(
      '/usr/bin/kubectl',
    );
    await expect(resolveKubectl('path', { logger, find: async () => undefined })).rejects.toThrow(
      /kubectl is not on PATH; install it in an earlier step or set input "kubectl-version"/,
    );
    await expect(resolveKubectl('latest', { logger })).rejects.toThrow(ConfigurationError);
  });

  test('a version is downloaded and verified against the published .sha256 or the pin given with it', async () => {
    const root = makeTempDir('kubectl-install');
    const binary = '#!/bin/sh\necho kubectl\n';
    const digest = crypto.createHash('sha256').update(binary).digest('hex');
    const downloads: string[] = [];
    const cache: ToolCache = {
      find: (name, version) =>
        fs.existsSync(path.join(root, 'cache', name, version)) ? path.join(root, 'cache', name, version) : '',
      downloadTool: async (url) => {
        downloads.push(url);
        const file = path.join(root, `dl-${downloads.length}`);
        fs.writeFileSync(file, binary);
        return file;
      },
      extractTar: async () => '',
      extractZip: async () => '',
      cacheDir: async (dir, name, version) => {
        const target = path.join(root, 'cache', name, version);
        fs.cpSync(dir, target, { recursive: true });
        return target;
      },
    };
    const fetched: string[] = [];
    const installed = await resolveKubectl('v1.32.4', {
      logger: new MemoryLogger(),
      cache,
      baseUrl: 'http://127.0.0.1:9/release',
      arch: 'x64',
      fetchText: async (url) => (fetched.push(url), `${digest}\n`),
    });
    expect(downloads).toEqual(['http://127.0.0.1:9/release/v1.32.4/bin/linux/amd64/kubectl']);
    expect(fetched).toEqual(['http://127.0.0.1:9/release/v1.32.4/bin/linux/amd64/kubectl.sha256']);
    expect(fs.readFileSync(installed, 'utf8')).toBe(binary);
    expect(fs.statSync(installed).mode & 0o111).not.toBe(0);
    await expect(
      resolveKubectl(`1.31.0@sha256:${'0'.repeat(64)}`, {
        logger: new MemoryLogger(),
        cache,
        arch: 'x64',
        baseUrl: 'http://127.0.0.1:9/release',
      }),
    ).rejects.toThrow(/sha256 of kubectl is .*, but the pinned sha256 says 0{64}; nothing was extracted/);
  });
});
