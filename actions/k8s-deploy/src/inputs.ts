import * as path from 'node:path';
import { ConfigurationError, environmentInputs, InputReader, type InputSource } from '@alt-las/action-kit';
import { validateSecretsSpec, type DeployOptions, type SecretsSpec } from '@alt-las/kube';

export type DeployMode = 'deploy' | 'diff' | 'rollback';

export interface K8sDeployInputs extends DeployOptions {
  workspace: string;
  manifests: string[];
  namespace: string;
  releaseManifest?: string;
  images: string[];
  kubeconfig: string;
  context: string;
  kubectlVersion: string;
  vars: Record<string, string>;
  secrets: SecretsSpec;
  mode: DeployMode;
  rollbackTo: string;
  environment: string;
  environmentUrl: string;
  githubToken: string;
  dryRun: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

export function readInputs(source: InputSource = environmentInputs()): K8sDeployInputs {
  const reader = new InputReader(source);
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const releaseManifest = reader.string('release-manifest');
  const vars = reader.keyValues('vars');
  for (const name of Object.keys(vars)) {
    if (!VAR_NAME.test(name))
      throw new ConfigurationError(
        `input "vars": "${name}" is not a variable name (upper-case letters, digits and _)`,
        'vars',
      );
  }
  const mode = reader.enum('mode', ['deploy', 'diff', 'rollback'] as const, { default: 'deploy' });
  const rollbackTo = reader.string('rollback-to', {
    pattern: /^(v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?|\d+)$/,
    describe: 'a release version such as v1.2.0 or a revision number',
  });
  if (mode === 'rollback' && rollbackTo === '')
    throw new ConfigurationError(
      'input "rollback-to": required with mode rollback (a release version such as v1.2.0 or a revision number)',
      'rollback-to',
    );
  const timeoutMs = reader.duration('timeout', { default: '10m' });
  if (timeoutMs < 1000) throw new ConfigurationError('input "timeout": expected at least 1s', 'timeout');
  return {
    workspace,
    manifests: reader.lines('manifests', { default: ['kubernetes/production'] }),
    namespace: reader.string('namespace', {
      default: 'atlas-production',
      pattern: DNS_LABEL,
      describe: 'a namespace name (lower-case letters, digits and -, at most 63 characters)',
    }),
    releaseManifest: releaseManifest ? path.resolve(workspace, releaseManifest) : undefined,
    images: reader.lines('images'),
    kubeconfig: reader.string('kubeconfig'),
    context: reader.string('context'),
    kubectlVersion: reader.string('kubectl-version', { default: 'path' }),
    serverSide: reader.boolean('server-side', { default: true }),
    fieldManager: reader.string('field-manager', {
      default: 'alt-las-deploy',
      pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
      describe: 'a field manager name (letters, digits, ".", "_" and "-")',
    }),
    forceConflicts: reader.boolean('force-conflicts', { default: false }),
    prune: reader.boolean('prune', { default: false }),
    wait: reader.boolean('wait', { default: true }),
    timeoutMs,
    rollbackOnFailure: reader.boolean('rollback-on-failure', { default: true }),
    vars,
    secrets: validateSecretsSpec(reader.yaml('secrets')),
    mode,
    rollbackTo,
    environment: reader.string('environment', { default: 'production' }),
    environmentUrl: reader.string('environment-url'),
    githubToken: reader.string('github-token'),
    dryRun: reader.boolean('dry-run', { default: false }),
  };
}
