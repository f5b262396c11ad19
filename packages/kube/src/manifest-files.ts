import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '@alt-las/action-kit';

/** One manifest source: a plain file, or a folder kubectl kustomize renders. */
export type ManifestSource = { type: 'file'; path: string } | { type: 'kustomization'; path: string };

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const GLOB_CHARS = /[*?[]/;

/** `**` any folders, `*` and `?` within one path segment; enough for manifest patterns. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full) : [full];
    });
}

function expandGlob(pattern: string, workspace: string): string[] {
  const absolute = path.resolve(workspace, pattern);
  const segments = absolute.split('/');
  const firstGlob = segments.findIndex((segment) => GLOB_CHARS.test(segment));
  const base = segments.slice(0, firstGlob).join('/') || '/';
  if (!fs.existsSync(base)) return [];
  const matcher = globToRegExp(absolute);
  return walk(base).filter((file) => matcher.test(file) && MANIFEST_FILE.test(file));
}

/**
 * Resolves the `manifests` input: files, folders (every manifest file below, or the folder's
 * kustomization) and globs, relative to the workspace. Each file appears once, in a stable order.
 */
export function resolveManifestSources(entries: string[], workspace: string): ManifestSource[] {
  if (entries.length === 0)
    throw new ConfigurationError(
      'input "manifests": expected at least one file, folder or glob',
      'manifests',
    );
  const sources: ManifestSource[] = [];
  const seen = new Set<string>();
  const addFile = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    sources.push({ type: 'file', path: file });
  };
  for (const entry of entries) {
    if (GLOB_CHARS.test(entry)) {
      const files = expandGlob(entry, workspace);
      if (files.length === 0)
        throw new ConfigurationError(
          `input "manifests": the pattern "${entry}" matches no manifest files`,
          'manifests',
        );
      files.forEach(addFile);
      continue;
    }
    const full = path.resolve(workspace, entry);
    if (!fs.existsSync(full))
      throw new ConfigurationError(
        `input "manifests": "${entry}" does not exist (relative to ${workspace})`,
        'manifests',
      );
    if (fs.statSync(full).isFile()) {
      addFile(full);
      continue;
    }
    if (KUSTOMIZATION_FILES.some((name) => fs.existsSync(path.join(full, name)))) {
      sources.push({ type: 'kustomization', path: full });
      continue;
    }
    const files = walk(full).filter((file) => MANIFEST_FILE.test(file));
    if (files.length === 0)
      throw new ConfigurationError(
        `input "manifests": the folder "${entry}" holds no .yaml, .yml or .json files`,
        'manifests',
      );
    files.forEach(addFile);
  }
  return sources;
}
