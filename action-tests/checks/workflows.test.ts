import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../harness/paths';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  'timeout-minutes'?: number;
  environment?: { name: string; url?: string };
  strategy?: { matrix?: unknown; 'fail-fast'?: boolean };
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

const load = (name: string) =>
  parse(fs.readFileSync(path.join(repoRoot, '.github', 'workflows', name), 'utf8')) as Workflow;
const needs = (job: Job) => (typeof job.needs === 'string' ? [job.needs] : (job.needs ?? []));
const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

describe.each(['production-ci-cd.yaml', 'ci.yml'])('%s hygiene', (name) => {
  const workflow = load(name);

  test('grants nothing by default and every job says what it needs', () => {
    expect(workflow.permissions).toEqual({});
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect([id, job.permissions]).toEqual([id, expect.objectContaining({ contents: 'read' })]);
    }
  });

  test('every job has a timeout', () => {
    for (const [id, job] of Object.entries(workflow.jobs)) {
      expect([id, typeof job['timeout-minutes']]).toEqual([id, 'number']);
    }
  });

  test('third-party actions are pinned by full commit SHA with the version in a comment', () => {
    const source = fs.readFileSync(path.join(repoRoot, '.github', 'workflows', name), 'utf8');
    for (const step of allSteps(workflow).filter((s) => s.uses && !s.uses.startsWith('./'))) {
      expect(step.uses).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(source).toMatch(new RegExp(`${step.uses!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} # v\\d`));
    }
  });

  test('no expression is expanded inside a shell script (data reaches scripts through env:)', () => {
    for (const step of allSteps(workflow).filter((s) => s.run)) {
      expect(step.run).not.toContain('${{');
    }
  });
});

describe('production-ci-cd', () => {
  const workflow = load('production-ci-cd.yaml');
  const jobs = workflow.jobs;

  test('runs on version tags and on manual deploy or rollback of a chosen version', () => {
    expect(workflow.on.push).toEqual({ tags: ['v*.*.*'] });
    const dispatch = workflow.on.workflow_dispatch as {
      inputs: Record<string, { required?: boolean; options?: string[] }>;
    };
    expect(dispatch.inputs.version!.required).toBe(true);
    expect(dispatch.inputs.operation!.options).toEqual(['deploy', 'rollback']);
    expect(dispatch.inputs.services).toBeDefined();
  });

  test('two production deploys never overlap, and a running one is never cancelled', () => {
    expect(workflow.concurrency).toEqual({ group: 'alt-las-production', 'cancel-in-progress': false });
  });

  test('job graph: prepare -> release (matrix) -> deploy -> verify -> rollback', () => {
    expect(needs(jobs.release!)).toEqual(['prepare']);
    expect(jobs.release!.strategy!.matrix).toBe('${{ fromJSON(needs.prepare.outputs.matrix) }}');
    expect(needs(jobs['deploy-production']!)).toEqual(['prepare', 'release']);
    expect(needs(jobs.verify!)).toEqual(['deploy-production']);
    expect(needs(jobs.rollback!)).toEqual(['prepare', 'deploy-production', 'verify']);
    expect(jobs.rollback!.if).toContain("needs.verify.result == 'failure'");
    expect(jobs.rollback!.if).toContain("inputs.operation == 'rollback'");
    // After a failed verification, back to the release the deploy replaced.
    const rollback = jobs.rollback!.steps.find((s) => s.uses === './actions/k8s-deploy')!;
    expect(rollback.with).toMatchObject({ mode: 'rollback' });
    expect(String(rollback.with!['rollback-to'])).toContain(
      'needs.deploy-production.outputs.previous-version',
    );
    expect(jobs['deploy-production']!.outputs!['previous-version']).toBe(
      '${{ steps.deploy.outputs.previous-version }}',
    );
  });

  test('each matrix leg builds, scans, uploads SARIF, publishes and keeps its manifest fragment, in that order', () => {
    const uses = jobs.release!.steps.map((s) => s.uses ?? '');
    const order = [
      './actions/build-services',
      './actions/trivy-gate',
      'github/codeql-action/upload-sarif',
      './actions/publish-ghcr',
      'actions/upload-artifact',
    ];
    const positions = order.map((prefix) => uses.findIndex((u) => u.startsWith(prefix)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('deploy and rollback run in the production environment; only the release job may write packages', () => {
    expect(jobs['deploy-production']!.environment!.name).toBe('production');
    expect(jobs['deploy-production']!.environment!.url).toContain('vars.API_HOST');
    expect(jobs.rollback!.environment!.name).toBe('production');
    const writers = Object.entries(jobs).filter(([, job]) => job.permissions?.packages === 'write');
    expect(writers.map(([id]) => id)).toEqual(['release']);
  });

  test('deploy merges the fragments and hands secrets to k8s-deploy only through env', () => {
    const steps = jobs['deploy-production']!.steps;
    const download = steps.find((s) => s.uses?.startsWith('actions/download-artifact'))!;
    expect(download.with).toMatchObject({ pattern: 'release-manifest-*', path: 'release-manifests' });
    const deploy = steps.find((s) => s.uses === './actions/k8s-deploy')!;
    expect(deploy.with!['release-manifest']).toBe('release-manifests');
    expect(String(deploy.with!.secrets)).not.toContain('${{');
    for (const value of Object.values(deploy.env ?? {}))
      expect(value).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
  });
});
