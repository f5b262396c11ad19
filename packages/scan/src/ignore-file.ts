import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigurationError } from '@alt-las/action-kit';
import type { Finding } from './trivy-report';

export interface IgnoreRule {
  id: string;
  /** Package name, package id (`name@version`) or PURL; absent means every package. */
  package?: string;
  reason: string;
  /** The last day the ignore holds (end of that day, UTC). */
  expires?: Date;
  /** Only vulnerabilities or only secrets, when the entry sits in such a section. */
  kind?: Finding['kind'];
  /** Where the entry is, for messages: `.trivyignore.yaml entry 3`. */
  where: string;
}

const SECTIONS: Record<string, Finding['kind']> = { vulnerabilities: 'vulnerability', secrets: 'secret' };

function fail(file: string, message: string): never {
  throw new ConfigurationError(`ignore-file ${file}: ${message}`, 'ignore-file');
}

function parseExpiry(value: unknown, file: string, where: string): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const date = match
    ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, 23, 59, 59, 999))
    : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text.trim()) {
    fail(file, `${where}: expires "${text}" is not a date; expected YYYY-MM-DD`);
  }
  return date;
}

function parseEntry(entry: unknown, file: string, where: string, kind?: Finding['kind']): IgnoreRule {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry))
    fail(file, `${where} is not a mapping with id, reason and optional package and expires`);
  const raw = entry as Record<string, unknown>;
  const known = ['id', 'package', 'reason', 'statement', 'expires', 'expired_at'];
  const unknown = Object.keys(raw).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    fail(file, `${where} has unknown field(s) ${unknown.join(', ')}; expected ${known.join(', ')}`);
  const id = typeof raw.id === 'string' ? raw.id.trim() : '';
  if (!id) fail(file, `${where} has no id (a vulnerability id such as CVE-2024-1234 or a secret rule id)`);
  const reason = String(raw.reason ?? raw.statement ?? '').trim();
  if (!reason) fail(file, `${where} (${id}) has no reason; every ignore must say why it is safe`);
  const pkg = raw.package === undefined || raw.package === null ? undefined : String(raw.package).trim();
  return {
    id,
    package: pkg || undefined,
    reason,
    expires: parseExpiry(raw.expires ?? raw.expired_at, file, `${where} (${id})`),
    kind,
    where,
  };
}

/**
 * Parses an ignore file: either a list of entries, or Trivy's layout with `vulnerabilities:` and
 * `secrets:` lists. Each entry has `id`, `reason` (or Trivy's `statement`), and optionally `package`
 * and `expires` (or Trivy's `expired_at`). Mistakes are configuration errors naming the entry.
 */
export function parseIgnoreFile(text: string, file: string): IgnoreRule[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    fail(file, `not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  if (document === null || document === undefined) return [];
  if (Array.isArray(document)) return document.map((entry, i) => parseEntry(entry, file, `entry ${i + 1}`));
  if (typeof document !== 'object')
    fail(file, 'expected a list of ignores or vulnerabilities:/secrets: lists');
  const rules: IgnoreRule[] = [];
  for (const [section, entries] of Object.entries(document as Record<string, unknown>)) {
    const kind = SECTIONS[section];
    if (!kind) fail(file, `unknown section "${section}"; expected vulnerabilities or secrets`);
    if (entries === null) continue;
    if (!Array.isArray(entries)) fail(file, `${section} is not a list`);
    entries.forEach((entry, i) => rules.push(parseEntry(entry, file, `${section} entry ${i + 1}`, kind)));
  }
  return rules;
}

/** Reads the ignore file; a missing file is fine only when the user kept the default name. */
export function loadIgnoreFile(file: string, required: boolean): IgnoreRule[] {
  if (!fs.existsSync(file)) {
    if (required) fail(file, 'does not exist');
    return [];
  }
  return parseIgnoreFile(fs.readFileSync(file, 'utf8'), file);
}

/** Whether a rule names this finding (its id, and its package when the rule is package-scoped). */
export function ruleMatches(rule: IgnoreRule, finding: Finding): boolean {
  if (rule.id !== finding.id) return false;
  if (rule.kind && rule.kind !== finding.kind) return false;
  if (!rule.package) return true;
  const purlWithoutQualifiers = finding.purl?.split('?')[0];
  return [finding.pkgName, finding.pkgId, finding.purl, purlWithoutQualifiers].includes(rule.package);
}
