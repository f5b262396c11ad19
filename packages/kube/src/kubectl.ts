import {
  ConfigurationError,
  errorMessage,
  TimeoutError,
  type Exec,
  type ExecResult,
} from '@alt-las/action-kit';
import type { KubeObject } from './kube-object';

/** The cluster could not be reached at all (network, DNS, TLS, or no answer in time). */
export class ClusterUnreachableError extends Error {
  override readonly name = 'ClusterUnreachableError';
}

/** Server-side apply refused because another field manager owns a field with a different value. */
export class ApplyConflictError extends Error {
  override readonly name = 'ApplyConflictError';
}

/** How `kubectl apply` and `kubectl diff` send objects: server-side with a field manager, or client-side. */
export interface ApplyOptions {
  serverSide: boolean;
  fieldManager: string;
  forceConflicts: boolean;
}

export class KubectlError extends Error {
  override readonly name = 'KubectlError';
  constructor(
    message: string,
    readonly result: ExecResult,
  ) {
    super(message);
  }
}

export interface KubectlOptions {
  binary: string;
  kubeconfig?: string;
  context?: string;
  /** Per-request limit passed to kubectl (`--request-timeout`). */
  requestTimeoutMs?: number;
}

const UNREACHABLE =
  /Unable to connect to the server|connection refused|no such host|i\/o timeout|context deadline exceeded|Client\.Timeout|dial tcp|the server is currently unable|TLS handshake timeout|connect: network is unreachable/i;
const BAD_CONFIG =
  /error loading config file|invalid configuration|couldn't get current server API group list: Get "http:\/\/localhost:8080|context .* does not exist|no configuration has been provided/i;

/**
 * kubectl over the Exec seam. Output is captured silently (it may hold Secret data); callers log what
 * is safe. Failures become typed errors so the action can tell an unreachable cluster, a bad
 * kubeconfig and an apply conflict from each other.
 */
export class Kubectl {
  constructor(
    private readonly exec: Exec,
    readonly options: KubectlOptions,
  ) {}

  /** Global flags every invocation carries. */
  globalArgs(): string[] {
    const args: string[] = [];
    if (this.options.kubeconfig) args.push('--kubeconfig', this.options.kubeconfig);
    if (this.options.context) args.push('--context', this.options.context);
    if (this.options.requestTimeoutMs)
      args.push(`--request-timeout=${Math.max(1, Math.ceil(this.options.requestTimeoutMs / 1000))}s`);
    return args;
  }

  /** Runs kubectl; exit codes in `accept` are returned, others thrown as typed errors. */
  async run(
    args: string[],
    options: { input?: string; timeoutMs?: number; accept?: number[] } = {},
  ): Promise<ExecResult> {
    let result: ExecResult;
    try {
      result = await this.exec(this.options.binary, [...this.globalArgs(), ...args], {
        input: options.input,
        timeoutMs: options.timeoutMs,
        silent: true,
      });
    } catch (error) {
      if (error instanceof TimeoutError)
        throw new ClusterUnreachableError(
          `kubectl ${args[0]} got no answer from the cluster: ${error.message}`,
        );
      throw new ConfigurationError(
        `kubectl could not be started (${this.options.binary}): ${errorMessage(error)}; install kubectl or set input "kubectl-version"`,
        'kubectl-version',
      );
    }
    if ((options.accept ?? [0]).includes(result.exitCode)) return result;
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    if (BAD_CONFIG.test(detail))
      throw new ConfigurationError(`input "kubeconfig": kubectl cannot use it: ${detail}`, 'kubeconfig');
    if (UNREACHABLE.test(detail)) throw new ClusterUnreachableError(`cannot reach the cluster: ${detail}`);
    if (/conflict/i.test(detail) && args.includes('--server-side'))
      throw new ApplyConflictError(
        `server-side apply conflicts with another field manager:\n${detail}\nSet force-conflicts: true to take ownership of these fields.`,
      );
    throw new KubectlError(
      `kubectl ${args.slice(0, 2).join(' ')} failed (exit ${result.exitCode}): ${detail}`,
      result,
    );
  }

  async json<T = unknown>(args: string[], timeoutMs?: number): Promise<T> {
    const result = await this.run([...args, '-o', 'json'], { timeoutMs });
    return JSON.parse(result.stdout === '' ? '{}' : result.stdout) as T;
  }

  /** Fails with ClusterUnreachableError unless the API server answers within `timeoutMs`. */
  async checkReachable(timeoutMs: number): Promise<string> {
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    const result = await this.run(['version', '-o', 'json', `--request-timeout=${seconds}s`], {
      timeoutMs: timeoutMs + 5000,
      accept: [0, 1],
    });
    const version = (JSON.parse(result.stdout || '{}') as { serverVersion?: { gitVersion?: string } })
      .serverVersion;
    if (result.exitCode !== 0 || !version) {
      const detail = result.stderr.trim().split('\n').slice(-3).join('\n');
      if (BAD_CONFIG.test(detail))
        throw new ConfigurationError(`input "kubeconfig": kubectl cannot use it: ${detail}`, 'kubeconfig');
      throw new ClusterUnreachableError(
        `cannot reach the cluster within ${seconds}s: ${detail || 'no server version'}`,
      );
    }
    return version.gitVersion ?? 'unknown';
  }

  kustomize(dir: string): Promise<string> {
    return this.run(['kustomize', dir]).then((result) => result.stdout);
  }

  /** The live objects of a manifest stream (absent ones are skipped). */
  async getLive<T>(manifest: string): Promise<T[]> {
    const result = await this.run(['get', '-f', '-', '--ignore-not-found', '-o', 'json'], {
      input: manifest,
    });
    if (result.stdout.trim() === '') return [];
    const parsed = JSON.parse(result.stdout) as { kind?: string; items?: T[] };
    return parsed.kind === 'List' ? (parsed.items ?? []) : [parsed as T];
  }

  /** `kubectl diff`; exit 1 only means "there are differences". */
  async diff(manifest: string, options: ApplyOptions): Promise<string> {
    const args = ['diff', '-f', '-'];
    if (options.serverSide) {
      args.push('--server-side', `--field-manager=${options.fieldManager}`);
      if (options.forceConflicts) args.push('--force-conflicts');
    }
    const result = await this.run(args, { input: manifest, accept: [0, 1] });
    return result.stdout;
  }

  /** Applies a manifest stream and returns the objects as the server stored them (one request per object, no re-read). */
  async apply(manifest: string, options: ApplyOptions): Promise<KubeObject[]> {
    const args = ['apply', '-f', '-', `--field-manager=${options.fieldManager}`, '-o', 'json'];
    if (options.serverSide) {
      args.push('--server-side');
      if (options.forceConflicts) args.push('--force-conflicts');
    }
    const result = await this.run(args, { input: manifest });
    if (result.stdout.trim() === '') return [];
    const parsed = JSON.parse(result.stdout) as KubeObject & { items?: KubeObject[] };
    return parsed.kind === 'List' ? (parsed.items ?? []) : [parsed];
  }
}
