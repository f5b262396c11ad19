import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readOciArchive } from '@alt-las/oci';
import type { Dockerfile } from './dockerfile';

/** What the previous run recorded next to an archive it built. */
export interface BuildRecord {
  key: string;
  digest: string;
  size: number;
  layers: number;
  builtAt: string;
  durationMs: number;
  /** Set when the Dockerfile test stage passed for this key. */
  testStagePassed?: boolean;
}

/** Hashes every file, symlink and mode under a directory, in a stable order. */
function hashTree(hash: crypto.Hash, root: string, relative = ''): void {
  const here = path.join(root, relative);
  const stat = fs.lstatSync(here);
  hash.update(`${relative}\0${stat.mode.toString(8)}\0`);
  if (stat.isSymbolicLink()) hash.update(fs.readlinkSync(here));
  else if (stat.isFile()) hash.update(fs.readFileSync(here));
  else if (stat.isDirectory()) {
    for (const name of fs.readdirSync(here).sort()) hashTree(hash, root, path.join(relative, name));
  }
  hash.update('\0');
}

/** Sources a Dockerfile copies from a named context: `COPY --from=<name> <src>... <dest>`. */
function namedContextSources(dockerfile: Dockerfile, name: string): string[] {
  return dockerfile.instructions
    .filter((instruction) => instruction.keyword === 'COPY' || instruction.keyword === 'ADD')
    .flatMap((instruction) => {
      const words = instruction.args.split(/\s+/);
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      if (from !== name) return [];
      return words.filter((word) => !word.startsWith('--')).slice(0, -1);
    });
}

export interface BuildKeyInput {
  builder: string;
  context: string;
  dockerfile: Dockerfile;
  buildArgs: Record<string, string>;
  buildContexts: Record<string, string>;
  /** Labels without the build time. */
  labels: Record<string, string>;
  tag: string;
  target?: string;
}

/**
 * A digest of everything that decides what a build produces. Named contexts can be large
 * directories (a whole /usr), so only the paths the Dockerfile copies from them are hashed.
 */
export function buildKey(input: BuildKeyInput): string {
  const hash = crypto.createHash('sha256');
  const stable = (value: Record<string, string>) =>
    JSON.stringify(
      Object.keys(value)
        .sort()
        .map((key) => [key, value[key]]),
    );
  hash.update(
    JSON.stringify([
      input.builder,
      input.tag,
      input.target ?? '',
      stable(input.buildArgs),
      stable(input.labels),
    ]),
  );
  hash.update(fs.readFileSync(input.dockerfile.file));
  hashTree(hash, input.context);
  for (const name of Object.keys(input.buildContexts).sort()) {
    hash.update(`context ${name}\0`);
    for (const source of namedContextSources(input.dockerfile, name)) {
      const file = path.join(input.buildContexts[name]!, source);
      if (fs.existsSync(file)) hashTree(hash, file);
      else hash.update(`missing ${source}`);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

export const recordFileFor = (archive: string) => `${archive}.build.json`;

export function readRecord(archive: string): BuildRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(recordFileFor(archive), 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
}

export function writeRecord(archive: string, record: BuildRecord): void {
  fs.writeFileSync(recordFileFor(archive), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * The earlier build of the same key, if its archive is still there and still holds the digest
 * that was recorded (an archive replaced or damaged since is rebuilt, never trusted).
 */
export function reusableBuild(archive: string, key: string): BuildRecord | undefined {
  const record = readRecord(archive);
  if (!record || record.key !== key || !fs.existsSync(archive)) return undefined;
  try {
    return readOciArchive(archive).manifestDigest === record.digest ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a service's archive and record, so a failed service leaves nothing a later step could pick up. */
export function removeBuild(archive: string): void {
  for (const file of [archive, `${archive}.partial`, recordFileFor(archive)])
    fs.rmSync(file, { force: true });
}
