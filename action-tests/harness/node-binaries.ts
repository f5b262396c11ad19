import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';

function majorOf(binary: string): number | undefined {
  try {
    const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
    return Number(/^v(\d+)/.exec(version)?.[1]);
  } catch {
    return undefined;
  }
}

/**
 * A Node.js binary of the given major: the `node` devDependency ships the runner's Node 24; other
 * majors come from NODE<major> (e.g. NODE20=/usr/bin/node) or the PATH outside node_modules.
 */
export function nodeBinary(major: number): string | undefined {
  const candidates = [
    process.env[`NODE${major}`],
    path.join(repoRoot, 'node_modules', 'node', 'bin', 'node'),
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((dir) => !dir.includes('node_modules'))
      .map((dir) => path.join(dir, 'node')),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ].filter((candidate): candidate is string => !!candidate && fs.existsSync(candidate));
  return candidates.find((candidate) => majorOf(candidate) === major);
}

/** The runtime `runs.using: node24` gives actions; tests fail (never skip) when it is missing. */
export function runnerNode(): string {
  const binary = nodeBinary(24);
  if (!binary) throw new Error('Node 24 not found: run `npm ci` (the `node` devDependency provides it)');
  return binary;
}
