import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { ConfigurationError, writePrivateFile, type SecretRedactor } from '@alt-las/action-kit';

interface KubeconfigDocument {
  clusters?: { name?: string; cluster?: { server?: string } }[];
  contexts?: { name?: string; context?: { cluster?: string } }[];
  users?: { name?: string; user?: Record<string, unknown> }[];
  'current-context'?: string;
}

const EXPECTED = 'a kubeconfig (YAML with clusters, contexts and users), plain or base64-encoded';
const CREDENTIAL_FIELDS = ['token', 'password', 'client-key-data', 'client-certificate-data'];

function parseDocument(text: string): KubeconfigDocument | undefined {
  try {
    const value: unknown = parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as KubeconfigDocument)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Accepts the kubeconfig as YAML or as base64 of YAML (how it is usually stored as a secret). */
export function decodeKubeconfig(input: string): { text: string; document: KubeconfigDocument } {
  const trimmed = input.trim();
  const candidates = [trimmed];
  if (/^[A-Za-z0-9+/=\s]+$/.test(trimmed))
    candidates.unshift(Buffer.from(trimmed, 'base64').toString('utf8'));
  for (const text of candidates) {
    const document = parseDocument(text);
    if (
      document &&
      Array.isArray(document.clusters) &&
      document.clusters.length > 0 &&
      Array.isArray(document.contexts)
    )
      return { text, document };
  }
  throw new ConfigurationError(
    `input "kubeconfig": expected ${EXPECTED}; the value given is not one`,
    'kubeconfig',
  );
}

export interface PreparedKubeconfig {
  path: string;
  /** The folder to remove in the post step. */
  dir: string;
  server?: string;
  context?: string;
}

/**
 * Writes the kubeconfig owner-only into its own folder under the runner's temp directory after
 * masking its credentials, and checks the requested context exists.
 */
export function prepareKubeconfig(
  input: string,
  options: { tempDir: string; context?: string; redactor: SecretRedactor },
): PreparedKubeconfig {
  options.redactor.add(input.trim().includes('\n') ? undefined : input.trim());
  const { text, document } = decodeKubeconfig(input);
  for (const user of document.users ?? []) {
    for (const field of CREDENTIAL_FIELDS) {
      const value = user.user?.[field];
      if (typeof value === 'string') options.redactor.add(value);
    }
  }
  const contextName = options.context || document['current-context'];
  const context = document.contexts?.find((entry) => entry.name === contextName);
  if (options.context && !context) {
    const names = (document.contexts ?? []).map((entry) => entry.name).join(', ');
    throw new ConfigurationError(
      `input "context": "${options.context}" is not a context of the kubeconfig (it has ${names || 'none'})`,
      'context',
    );
  }
  const clusterName = context?.context?.cluster;
  const server = document.clusters?.find((entry) => entry.name === clusterName)?.cluster?.server;
  const dir = fs.mkdtempSync(path.join(options.tempDir, 'alt-las-kubeconfig-'));
  const file = path.join(dir, 'kubeconfig');
  writePrivateFile(file, text);
  return { path: file, dir, server, context: contextName };
}

/** Post-step cleanup; only ever removes the folder prepareKubeconfig created. */
export function removeKubeconfig(dir: string | undefined): boolean {
  if (!dir || !path.basename(dir).startsWith('alt-las-kubeconfig-') || !fs.existsSync(dir)) return false;
  fs.rmSync(dir, { recursive: true, force: true });
  return true;
}
