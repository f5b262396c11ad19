// Helpers for tests that build the example services and run them on the host from their images.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { makeTempDir, repoRoot } from '../harness/paths';

/**
 * Fails (never skips) when a tool the test needs is missing; the Debian packages in
 * .ci/apt-packages.txt provide them.
 */
export function requireTools(...tools: string[]): void {
  const missing = tools.filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(
      `missing ${missing.join(', ')}: install them with scripts/setup.sh (.ci/apt-packages.txt)`,
    );
  }
}

/**
 * A directory holding bin/busybox from Debian's busybox-static: the named build context "busybox"
 * the example Dockerfiles copy it from.
 */
export function stageBusybox(dir: string): string {
  const source = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
  const target = path.join(dir, 'busybox-context');
  fs.mkdirSync(path.join(target, 'bin'), { recursive: true });
  fs.copyFileSync(fs.realpathSync(source), path.join(target, 'bin', 'busybox'));
  fs.chmodSync(path.join(target, 'bin', 'busybox'), 0o755);
  return target;
}

export interface UnpackedImage {
  rootfs: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** Unpacks an OCI archive with umoci and reads the process the image would run. */
export function unpackImage(archive: string, refName: string, dir: string): UnpackedImage {
  const layout = path.join(dir, 'layout');
  const bundle = path.join(dir, 'bundle');
  fs.mkdirSync(layout, { recursive: true });
  execFileSync('tar', ['-xf', archive, '-C', layout]);
  const rootless = process.getuid?.() !== 0 ? ['--rootless'] : [];
  execFileSync('umoci', ['unpack', ...rootless, '--image', `${layout}:${refName}`, bundle], {
    stdio: 'pipe',
  });
  const config = JSON.parse(fs.readFileSync(path.join(bundle, 'config.json'), 'utf8')) as {
    process: { args: string[]; cwd: string; env: string[] };
  };
  const env = Object.fromEntries(
    config.process.env.map((entry) => [
      entry.slice(0, entry.indexOf('=')),
      entry.slice(entry.indexOf('=') + 1),
    ]),
  );
  return { rootfs: path.join(bundle, 'rootfs'), args: config.process.args, cwd: config.process.cwd, env };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  port: number;
  url: string;
  output: () => string;
  /** Sends SIGTERM to the entrypoint, as a container runtime does; resolves with how it exited. */
  terminate(timeoutMs?: number): Promise<{ code: number | null; signal: string | null; ms: number }>;
  stop(): Promise<void>;
}

/**
 * Starts the image's own entrypoint on the host: the same argv, run from the rootfs as the image's
 * working directory, with the image's environment and `env` on top.
 */
export async function startFromImage(
  image: UnpackedImage,
  env: Record<string, string> = {},
): Promise<RunningService> {
  const port = await freePort();
  const cwd = path.join(image.rootfs, image.cwd);
  const child: ChildProcess = spawn(image.args[0]!, image.args.slice(1), {
    cwd,
    env: { ...image.env, ...env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await exited;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`${image.args.join(' ')} did not answer on ${url}/health: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const terminate = async (timeoutMs = 5000) => {
    const started = Date.now();
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ code: null; signal: string }>((resolve) => {
      timer = setTimeout(() => resolve({ code: null, signal: 'still running' }), timeoutMs);
    });
    const result = await Promise.race([exited, timedOut]);
    // A pending timer would keep the test process alive after the service has gone.
    clearTimeout(timer);
    return { ...result, ms: Date.now() - started };
  };
  return { port, url, output: () => output, terminate, stop };
}

export const serviceEntry = (name: string, extra = '') =>
  `  - name: ${name}\n    context: ${name}\n    port: 8080${extra}\n`;

/** Two example services: one tested by a command, one by its Dockerfile test stage. */
export const GOOD_SERVICES =
  'version: 1\nservices:\n' +
  serviceEntry('archive-service', '\n    test:\n      command: sh test/run.sh') +
  serviceEntry('segmentation-service', '\n    test:\n      stage: test');

/** A workspace under `parent` with copies of two example services and the given services file. */
export function exampleWorkspace(
  parent: string,
  servicesYaml: string,
  edit?: (root: string) => void,
): string {
  const root = makeTempDir(
    path.join(path.relative(fs.realpathSync(process.env.TMPDIR || '/tmp'), parent), 'ws'),
  );
  for (const name of ['archive-service', 'segmentation-service']) {
    fs.cpSync(path.join(repoRoot, 'examples', 'alt-las', name), path.join(root, name), { recursive: true });
  }
  fs.writeFileSync(path.join(root, 'services.yaml'), servicesYaml);
  edit?.(root);
  return root;
}
