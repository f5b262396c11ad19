import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction, type ActionRun } from '../harness/run-action';
import { makeTempDir } from '../harness/paths';
import {
  languagePackages,
  osPackages,
  secrets,
  StandInState,
  startTrivyReleaseServer,
  type StandInConfig,
  type TrivyReleaseServer,
  type TrivyReportTemplate,
} from '../harness/trivy';

/** What the stand-in finds in each ALT_LAS image (own fixtures in Trivy's format). */
export const REPORTS: Record<string, TrivyReportTemplate> = {
  'api-gateway': {
    Results: [
      osPackages('alpine', '3.20.3', [
        {
          id: 'CVE-2025-31001',
          pkg: 'libssl3',
          installed: '3.3.2-r0',
          fixed: '3.3.3-r0',
          severity: 'HIGH',
          title: 'openssl: timing side channel in RSA decryption',
        },
        {
          id: 'CVE-2025-31002',
          pkg: 'busybox',
          installed: '1.36.1-r29',
          severity: 'CRITICAL',
          title: 'busybox: out-of-bounds write in awk',
        },
        { id: 'CVE-2025-31003', pkg: 'zlib', installed: '1.3.1-r1', fixed: '1.3.1-r2', severity: 'MEDIUM' },
      ]),
      languagePackages('app/package-lock.json', 'npm', [
        {
          id: 'GHSA-aaaa-bbbb-cccc',
          pkg: 'path-to-regexp',
          installed: '0.1.7',
          fixed: '0.1.12',
          severity: 'LOW',
        },
      ]),
    ],
  },
  'segmentation-service': {
    Results: [
      osPackages('debian', '12.8', [
        { id: 'CVE-2025-32001', pkg: 'libc6', installed: '2.36-9', fixed: '2.36-10', severity: 'LOW' },
      ]),
    ],
  },
  'ai-orchestrator': {
    Results: [
      languagePackages('app/poetry.lock', 'poetry', [
        {
          id: 'CVE-2025-33001',
          pkg: 'jinja2',
          installed: '3.1.3',
          fixed: '3.1.5',
          severity: 'HIGH',
          title: 'jinja2: sandbox escape via format method',
        },
      ]),
      secrets('app/config/.env', [
        { rule: 'aws-access-key-id', severity: 'CRITICAL', title: 'AWS Access Key ID', line: 3 },
      ]),
    ],
  },
  'archive-service': {
    Results: [
      osPackages('alpine', '3.20.3', [
        { id: 'CVE-2025-31003', pkg: 'zlib', installed: '1.3.1-r1', fixed: '1.3.1-r2', severity: 'MEDIUM' },
      ]),
    ],
  },
};

export interface Scenario {
  server: TrivyReleaseServer;
  /** A fresh workspace, stand-in state and runner directory per test (see `fresh`). */
  fresh(config?: StandInConfig): { workspace: string; state: StandInState; runnerDir: string };
  run(
    inputs: Record<string, string>,
    options?: { env?: Record<string, string>; runnerDir?: string },
  ): Promise<ActionRun>;
  stop(): Promise<void>;
}

/** One release server for a test file, and helpers to run the bundled gate against the stand-in. */
export async function startScenario(): Promise<Scenario> {
  const server = await startTrivyReleaseServer();
  const dirs: string[] = [];
  let current: { workspace: string; state: StandInState; runnerDir: string } | undefined;
  return {
    server,
    fresh(config = { reports: REPORTS }) {
      const root = makeTempDir('trivy-gate');
      dirs.push(root);
      const state = new StandInState(path.join(root, 'state')).configure(config);
      const workspace = path.join(root, 'workspace');
      const runnerDir = path.join(root, 'runner');
      fs.mkdirSync(workspace, { recursive: true });
      fs.mkdirSync(runnerDir, { recursive: true });
      current = { workspace, state, runnerDir };
      return current;
    },
    run(inputs, options = {}) {
      if (!current) throw new Error('call fresh() first');
      return runAction('trivy-gate', {
        inputs: { 'trivy-download-url': server.url, ...inputs },
        env: { ...current.state.env, ...options.env },
        workspace: current.workspace,
        runnerDir: options.runnerDir ?? current.runnerDir,
        timeoutMs: 120_000,
      });
    },
    async stop() {
      await server.stop();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const errors = (run: ActionRun) =>
  run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
export const warnings = (run: ActionRun) =>
  run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
