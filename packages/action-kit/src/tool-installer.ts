import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as toolCache from '@actions/tool-cache';
import { retry } from './retry';
import type { Logger } from './logger';

export interface ToolRelease {
  /** Tool-cache name, e.g. `trivy`. */
  name: string;
  version: string;
  /** URL of the release file (tarball, zip or bare binary). */
  url: string;
  format: 'tar.gz' | 'zip' | 'binary';
  /** Path of the executable inside the extracted release (or its file name for `binary`). */
  executable: string;
  /** Expected sha256 of the release file, when the caller pins one. */
  sha256?: string;
  /** The release's checksums file (`<sha256>  <file name>` lines); the release file must be listed. */
  checksumsUrl?: string;
}

/** The parts of @actions/tool-cache the installer uses; tests substitute a directory-backed fake. */
export type ToolCache = Pick<
  typeof toolCache,
  'find' | 'downloadTool' | 'extractTar' | 'extractZip' | 'cacheDir'
>;

export class ChecksumError extends Error {
  override readonly name = 'ChecksumError';
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = crypto.createHash('sha256');
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Finds `fileName`'s digest in a checksums file (sha256sum format, optional `*` binary marker). */
export function checksumFor(checksums: string, fileName: string): string | undefined {
  for (const line of checksums.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line.trim());
    if (match && match[2]!.trim() === fileName) return match[1]!.toLowerCase();
  }
  return undefined;
}

/**
 * Installs a pinned tool release through the tool cache. The download is verified against the
 * release's checksums file and the caller's pin before anything is extracted or made executable;
 * a cached install of the same version is reused without network access.
 */
export async function installTool(
  release: ToolRelease,
  deps: { cache?: ToolCache; logger: Logger; downloadAttempts?: number },
): Promise<{ path: string; cached: boolean }> {
  const cache = deps.cache ?? toolCache;
  const cachedDir = cache.find(release.name, release.version);
  if (cachedDir) {
    deps.logger.info(`Using cached ${release.name} ${release.version} from ${cachedDir}`);
    return { path: path.join(cachedDir, release.executable), cached: true };
  }
  const download = (url: string) =>
    retry(() => cache.downloadTool(url), {
      attempts: deps.downloadAttempts ?? 4,
      baseDelayMs: 1000,
      description: `download of ${url}`,
      onRetry: ({ attempt, error }) =>
        deps.logger.warning(`download of ${url} failed (attempt ${attempt}): ${String(error)}`),
    });

  const fileName = decodeURIComponent(new URL(release.url).pathname.split('/').pop() ?? release.url);
  deps.logger.info(`Downloading ${release.name} ${release.version} from ${release.url}`);
  const downloaded = await download(release.url);
  try {
    const actual = await sha256File(downloaded);
    const expected: { source: string; digest: string }[] = [];
    if (release.sha256) expected.push({ source: 'the pinned sha256', digest: release.sha256.toLowerCase() });
    if (release.checksumsUrl) {
      const listed = checksumFor(fs.readFileSync(await download(release.checksumsUrl), 'utf8'), fileName);
      if (!listed)
        throw new ChecksumError(`${fileName} is not listed in the checksums file ${release.checksumsUrl}`);
      expected.push({ source: `the release checksums file`, digest: listed });
    }
    if (expected.length === 0) {
      throw new ChecksumError(
        `refusing to install ${release.name}: no sha256 pin and no checksums file to verify it`,
      );
    }
    for (const { source, digest } of expected) {
      if (digest !== actual) {
        throw new ChecksumError(
          `sha256 of ${fileName} is ${actual}, but ${source} says ${digest}; nothing was extracted`,
        );
      }
    }
    deps.logger.info(`Verified sha256 ${actual} of ${fileName}`);
    let directory: string;
    if (release.format === 'tar.gz') directory = await cache.extractTar(downloaded);
    else if (release.format === 'zip') directory = await cache.extractZip(downloaded);
    else {
      directory = fs.mkdtempSync(path.join(path.dirname(downloaded), `${release.name}-`));
      fs.copyFileSync(downloaded, path.join(directory, release.executable));
    }
    fs.chmodSync(path.join(directory, release.executable), 0o755);
    const installed = await cache.cacheDir(directory, release.name, release.version);
    return { path: path.join(installed, release.executable), cached: false };
  } finally {
    fs.rmSync(downloaded, { force: true });
  }
}
