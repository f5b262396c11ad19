import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { runnerNode } from './node-binaries';
import { processTempDir, repoRoot, type ActionName } from './paths';
import { parseAnnotations, parseFileCommands, type ParsedAnnotation } from './workflow-commands';

export interface RunActionOptions {
  inputs?: Record<string, string>;
  /** Extra environment (e.g. GITHUB_REF, KUBECONFIG); only PATH, HOME and LANG are inherited. */
  env?: Record<string, string>;
  /** The webhook payload written to GITHUB_EVENT_PATH. */
  event?: Record<string, unknown>;
  /** GITHUB_WORKSPACE and the working directory; defaults to the repository root. */
  workspace?: string;
  /** Node binary; defaults to Node 24 like `runs.using: node24`. */
  node?: string;
  /**
   * Directory for RUNNER_TEMP, RUNNER_TOOL_CACHE and the file commands; by default a new one removed when
   * the test process exits. Steps of one job share it, as they share a runner.
   */
  runnerDir?: string;
  /** Run the action's `post` entry point with the state saved by `after`. */
  post?: ActionRun;
  timeoutMs?: number;
}

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  annotations: ParsedAnnotation[];
  runnerDir: string;
  durationMs: number;
}

/** The `INPUT_*` variable name the runner uses for an input. */
export const inputVariable = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/** What `${{ github.token }}` in a default evaluates to here (a real runner gives the job's token). */
export const HARNESS_GITHUB_TOKEN = 'ghs_harness0token0for0tests';

function defaultInputs(action: ActionName): Record<string, string> {
  // The runner passes declared defaults; reading action.yml here keeps the harness faithful.
  const metadata = parse(fs.readFileSync(path.join(repoRoot, 'actions', action, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
  };
  return Object.fromEntries(
    Object.entries(metadata.inputs ?? {})
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [
        name,
        String(input.default).replace(/\$\{\{\s*github\.token\s*\}\}/g, HARNESS_GITHUB_TOKEN),
      ]),
  );
}

/** Runs `dist/<action>/index.js` the way the runner does and reads back everything it reported. */
export async function runAction(action: ActionName, options: RunActionOptions = {}): Promise<ActionRun> {
  const runnerDir = options.runnerDir ?? options.post?.runnerDir ?? processTempDir(`runner-${action}`);
  const files = {
    output: path.join(runnerDir, 'output'),
    env: path.join(runnerDir, 'env'),
    state: path.join(runnerDir, 'state'),
    summary: path.join(runnerDir, 'summary.md'),
    event: path.join(runnerDir, 'event.json'),
    path: path.join(runnerDir, 'path'),
  };
  for (const dir of ['temp', 'tool-cache']) fs.mkdirSync(path.join(runnerDir, dir), { recursive: true });
  for (const file of [files.output, files.env, files.state, files.summary, files.path])
    fs.writeFileSync(file, '');
  fs.writeFileSync(files.event, JSON.stringify(options.event ?? {}));

  const inputs = { ...defaultInputs(action), ...options.inputs };
  const workspace = options.workspace ?? repoRoot;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? runnerDir,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: files.output,
    GITHUB_ENV: files.env,
    GITHUB_STATE: files.state,
    GITHUB_PATH: files.path,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'alt-las/alt-las',
    GITHUB_REPOSITORY_OWNER: 'alt-las',
    GITHUB_REF: 'refs/tags/v1.0.0',
    GITHUB_REF_NAME: 'v1.0.0',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:9',
    GITHUB_ACTOR: 'release-bot',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: path.join(runnerDir, 'temp'),
    RUNNER_TOOL_CACHE: path.join(runnerDir, 'tool-cache'),
    ...options.env,
  };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  if (options.post) {
    for (const [name, value] of Object.entries(options.post.state)) env[`STATE_${name}`] = value;
  }

  // Like actions/cache, the post step runs the same bundle; it sees STATE_isPost and does its cleanup.
  const entry = path.join(repoRoot, 'dist', action, 'index.js');
  const started = Date.now();
  const { exitCode, stdout, stderr } = await spawnCollect(options.node ?? runnerNode(), [entry], {
    cwd: workspace,
    env,
    timeoutMs: options.timeoutMs ?? 300_000,
  });
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommands(fs.readFileSync(files.output, 'utf8')),
    env: parseFileCommands(fs.readFileSync(files.env, 'utf8')),
    state: { ...options.post?.state, ...parseFileCommands(fs.readFileSync(files.state, 'utf8')) },
    summary: fs.readFileSync(files.summary, 'utf8'),
    annotations: parseAnnotations(stdout),
    runnerDir,
    durationMs: Date.now() - started,
  };
}

export function spawnCollect(
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        exitCode: code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}
