import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../harness';
import { startKubeApi, type KubeApi, type KubeApiOptions, type KubeObject } from '../harness/kube-api';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The kubectl binary; tests fail (never skip) when it is missing. */
export function kubectlBinary(): string {
  const found = (process.env.PATH ?? '')
    .split(path.delimiter)
    .map((dir) => path.join(dir, 'kubectl'))
    .find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error('kubectl is not installed: these tests need the real kubectl on PATH');
  return found;
}

/** A stand-in API server and a kubectl bound to it (own kubeconfig and discovery cache). */
export interface Cluster {
  api: KubeApi;
  dir: string;
  kubectl(args: string[], input?: string): Promise<KubectlResult>;
  /** kubectl that must succeed; returns stdout. */
  ok(args: string[], input?: string): Promise<string>;
  json(args: string[]): Promise<KubeObject>;
  stop(): Promise<void>;
}

export async function startCluster(options: KubeApiOptions = {}): Promise<Cluster> {
  const binary = kubectlBinary();
  const api = await startKubeApi(options);
  const dir = makeTempDir('kube-api-test');
  const kubeconfig = api.writeKubeconfig(dir);
  const cacheDir = path.join(dir, 'cache');
  // kubectl runs asynchronously: the server answering it lives in this very process.
  const kubectl = (args: string[], input?: string) =>
    new Promise<KubectlResult>((resolve) => {
      const child = execFile(
        binary,
        [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  const ok = async (args: string[], input?: string) => {
    const result = await kubectl(args, input);
    if (result.code !== 0)
      throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };
  return {
    api,
    dir,
    kubectl,
    ok,
    json: async (args) => JSON.parse(await ok([...args, '-o', 'json'])),
    stop: async () => {
      await api.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(50);
  }
}

/** A Deployment manifest of the ALT_LAS shape. */
export function deploymentYaml(
  name: string,
  image: string,
  options: { replicas?: number; namespace?: string; port?: number; progressDeadlineSeconds?: number } = {},
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${options.namespace ?? 'atlas'}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: alt-las
spec:
  replicas: ${options.replicas ?? 2}
${options.progressDeadlineSeconds ? `  progressDeadlineSeconds: ${options.progressDeadlineSeconds}\n` : ''}  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        app.kubernetes.io/part-of: alt-las
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: ${name}
          image: ${image}
          ports:
            - containerPort: ${options.port ?? 3000}
          readinessProbe:
            httpGet: { path: /health, port: ${options.port ?? 3000} }
`;
}

export const namespaceYaml = (name = 'atlas') =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
