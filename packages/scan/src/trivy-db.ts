import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage, systemClock, type Clock, type Exec, type Logger } from '@alt-las/action-kit';
import type { DbCache } from './db-cache';
import { ScannerError, stderrTail } from './scanner-error';

export interface DbOptions {
  trivy: string;
  exec: Exec;
  /** Trivy's --cache-dir; the DB lives in `<cacheDir>/db`. */
  cacheDir: string;
  /** Tried in order. */
  repositories: string[];
  /** Oldest DB that may be used when every repository fails. */
  maxAgeMs: number;
  logger: Logger;
  /** Undefined when caching across runs is switched off. */
  cache?: DbCache;
  clock?: Clock;
  cacheKeyPrefix?: string;
}

export interface DbOutcome {
  /** `downloaded`: fetched now; `current`: Trivy found the (restored) DB up to date; `stale-cache`: fallback. */
  source: 'downloaded' | 'current' | 'stale-cache';
  repository?: string;
  /** When the DB in use was downloaded. */
  downloadedAt?: Date;
  /** One line per failed repository. */
  failures: string[];
  notes: string[];
}

/** DB ages are mostly hours; `30.0h` reads better than minutes, and short ones keep their unit. */
function age(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)}m`;
  return ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms)}ms`;
}

const RATE_LIMIT = /TOOMANYREQUESTS|429|rate limit|too many requests/i;

/** The time the DB in `cacheDir` was downloaded, from Trivy's metadata.json; undefined when absent. */
export function dbDownloadedAt(cacheDir: string): Date | undefined {
  try {
    const metadata = JSON.parse(fs.readFileSync(path.join(cacheDir, 'db', 'metadata.json'), 'utf8')) as {
      DownloadedAt?: string;
      UpdatedAt?: string;
    };
    const date = new Date(metadata.DownloadedAt ?? metadata.UpdatedAt ?? '');
    return Number.isNaN(date.getTime()) ? undefined : date;
  } catch {
    return undefined;
  }
}

/**
 * Makes one vulnerability DB ready for every scan of the run: restore it from the Actions cache,
 * let Trivy refresh it from the first repository that answers, and when every repository fails,
 * fall back to the cached DB if it is younger than `maxAgeMs`. Scans then run with --skip-db-update.
 */
export async function prepareDb(options: DbOptions): Promise<DbOutcome> {
  const clock = options.clock ?? systemClock;
  const { logger } = options;
  const notes: string[] = [];
  const note = (message: string, warn = false) => {
    notes.push(message);
    if (warn) logger.warning(message);
    else logger.info(message);
  };
  const dbDir = path.join(options.cacheDir, 'db');
  const day = new Date(clock.now()).toISOString().slice(0, 10);
  const prefix = options.cacheKeyPrefix ?? 'alt-las-trivy-db-';
  const key = `${prefix}${day}`;
  let restoredKey: string | undefined;

  const cache = options.cache;
  let cacheUsable = false;
  if (cache) {
    if (cache.available()) {
      cacheUsable = true;
      try {
        restoredKey = await cache.restore(dbDir, key, [prefix]);
        note(
          restoredKey
            ? `DB restored from the Actions cache (${restoredKey})`
            : 'no DB in the Actions cache yet',
        );
      } catch (error) {
        note(`restoring the DB from the Actions cache failed: ${errorMessage(error)}`, true);
      }
    } else {
      note(
        'the Actions cache is not available on this runner (no ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL); the DB is not cached across runs',
      );
    }
  }

  const before = dbDownloadedAt(options.cacheDir)?.getTime();
  const failures: string[] = [];
  for (const repository of options.repositories) {
    logger.info(`Updating the vulnerability DB from ${repository}`);
    const result = await options.exec(
      options.trivy,
      [
        'image',
        '--download-db-only',
        '--db-repository',
        repository,
        '--cache-dir',
        options.cacheDir,
        '--no-progress',
      ],
      { timeoutMs: 10 * 60_000 },
    );
    if (result.exitCode === 0) {
      const downloadedAt = dbDownloadedAt(options.cacheDir);
      const fresh = downloadedAt !== undefined && downloadedAt.getTime() !== before;
      if (fresh && cacheUsable && cache && restoredKey !== key) {
        try {
          await cache.save(dbDir, key);
          note(`DB saved to the Actions cache as ${key}`);
        } catch (error) {
          note(`saving the DB to the Actions cache failed: ${errorMessage(error)}`, true);
        }
      }
      return {
        source: fresh ? 'downloaded' : 'current',
        repository,
        downloadedAt,
        failures,
        notes,
      };
    }
    const why = RATE_LIMIT.test(result.stderr) ? 'rate limited' : `exit code ${result.exitCode}`;
    failures.push(`${repository}: ${why}: ${stderrTail(result.stderr, 1)}`);
    logger.warning(
      `Vulnerability DB download from ${repository} failed (${why}); trying the next repository`,
    );
  }

  const cachedAt = dbDownloadedAt(options.cacheDir);
  const cachedAge = cachedAt ? clock.now() - cachedAt.getTime() : undefined;
  if (cachedAt && cachedAge !== undefined && cachedAge <= options.maxAgeMs) {
    note(`every DB repository failed; using the cached DB downloaded ${age(cachedAge)} ago`, true);
    return { source: 'stale-cache', downloadedAt: cachedAt, failures, notes };
  }
  const cachedNote = cachedAt
    ? `the cached DB is ${age(cachedAge!)} old, older than max-db-age ${age(options.maxAgeMs)}`
    : 'no cached DB is available';
  throw new ScannerError(
    `the vulnerability DB could not be downloaded (${failures.join('; ')}) and ${cachedNote}`,
  );
}
