import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError, environmentInputs, InputReader, type InputSource } from '@alt-las/action-kit';
import {
  CATEGORIES,
  defaultChecksPlan,
  loadChecksFile,
  type Category,
  type ChecksPlan,
} from '@alt-las/verify';

export interface VerifyInputs {
  baseUrl: URL;
  checks: ChecksPlan;
  authHeader: string;
  warmupMs: number;
  loadDurationMs: number;
  loadConnections: number;
  p95Ms: number;
  p99Ms?: number;
  maxErrorRate: number;
  minRps?: number;
  tlsMinDays: number;
  /** PEM text of ca-file. */
  ca?: string;
  namespace: string;
  /** Kubeconfig text from the input, already decoded. */
  kubeconfig?: string;
  /** KUBECONFIG from the environment when the input is empty. */
  kubeconfigPath?: string;
  failOn: Category[];
  dryRun: boolean;
}

function readBaseUrl(reader: InputReader): URL {
  const value = reader.string('base-url', { required: true });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      `input "base-url": got "${value}", expected an http:// or https:// URL such as https://api.example.com`,
      'base-url',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigurationError(
      `input "base-url": got "${value}", expected an http:// or https:// URL`,
      'base-url',
    );
  if (url.username || url.password)
    throw new ConfigurationError(
      'input "base-url": must not contain credentials; pass them with auth-header',
      'base-url',
    );
  if (url.search || url.hash)
    throw new ConfigurationError(
      `input "base-url": got "${value}", expected a URL without query or fragment`,
      'base-url',
    );
  return url;
}

function readFailOn(reader: InputReader): Category[] {
  const entries = reader.list('fail-on', { default: ['all'] }).map((entry) => entry.toLowerCase());
  const allowed = [...CATEGORIES, 'all', 'none'];
  const unknown = entries.filter((entry) => !allowed.includes(entry));
  if (unknown.length > 0)
    throw new ConfigurationError(
      `input "fail-on": unknown category "${unknown[0]}"; expected a list of ${CATEGORIES.join(', ')}, or all, or none`,
      'fail-on',
    );
  if (entries.includes('all')) return [...CATEGORIES];
  return CATEGORIES.filter((category) => entries.includes(category));
}

/** Kubeconfig YAML as given, or decoded from base64 (how it is usually stored as a secret). */
function decodeKubeconfig(value: string): string {
  if (/^\s*(apiVersion|clusters|kind|current-context)\s*:/m.test(value)) return value;
  const decoded = Buffer.from(value.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/^\s*clusters\s*:/m.test(decoded)) return decoded;
  throw new ConfigurationError(
    'input "kubeconfig": expected kubeconfig YAML or its base64 encoding',
    'kubeconfig',
  );
}

function readCa(reader: InputReader, workspace: string): string | undefined {
  const file = reader.string('ca-file');
  if (!file) return undefined;
  const resolved = path.resolve(workspace, file);
  if (!fs.existsSync(resolved))
    throw new ConfigurationError(`input "ca-file": ${resolved} does not exist`, 'ca-file');
  const pem = fs.readFileSync(resolved, 'utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigurationError(`input "ca-file": ${resolved} holds no PEM certificate`, 'ca-file');
  return pem;
}

export function readInputs(source: InputSource = environmentInputs()): VerifyInputs {
  const reader = new InputReader(source);
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  // Read first: a mistyped dry-run must never turn a plan into a run against production.
  const dryRun = reader.boolean('dry-run', { default: false });
  const baseUrl = readBaseUrl(reader);
  const checksFile = reader.string('checks-file');
  const loadDurationMs = reader.duration('load-duration', { default: '30s' });
  if (loadDurationMs < 1000)
    throw new ConfigurationError(
      `input "load-duration": got "${source('load-duration')}", expected at least 1s`,
      'load-duration',
    );
  const kubeconfigInput = reader.string('kubeconfig');
  const inputs: VerifyInputs = {
    baseUrl,
    checks: checksFile ? loadChecksFile(path.resolve(workspace, checksFile)) : defaultChecksPlan(),
    authHeader: reader.string('auth-header'),
    warmupMs: reader.duration('warmup-timeout', { default: '5m' }),
    loadDurationMs,
    loadConnections: reader.integer('load-connections', { default: 10, min: 1, max: 1000 }),
    p95Ms: reader.number('p95-ms', { default: 1000, min: 0 })!,
    p99Ms: reader.number('p99-ms', { min: 0 }),
    maxErrorRate: reader.number('max-error-rate', { default: 0.01, min: 0, max: 1 })!,
    minRps: reader.number('min-rps', { min: 0 }),
    tlsMinDays: reader.integer('tls-min-days', { default: 14, min: 0 }),
    ca: readCa(reader, workspace),
    namespace: reader.string('namespace', {
      default: 'atlas-production',
      pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      describe: 'a Kubernetes namespace name',
    }),
    kubeconfig: kubeconfigInput ? decodeKubeconfig(kubeconfigInput) : undefined,
    kubeconfigPath: kubeconfigInput ? undefined : process.env.KUBECONFIG || undefined,
    failOn: readFailOn(reader),
    dryRun,
  };
  return inputs;
}

/** Values inside a kubeconfig that grant access; only these are masked, not its ordinary lines. */
export function kubeconfigSecrets(kubeconfig: string): string[] {
  return [
    ...kubeconfig.matchAll(
      /^\s*(?:token|password|client-key-data|client-certificate-data)\s*:\s*["']?([^"'\s]+)/gm,
    ),
  ].map((match) => match[1]!);
}
