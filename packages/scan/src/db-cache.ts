/** Where the vulnerability DB survives between runs; the Actions cache on GitHub's runners. */
export interface DbCache {
  available(): boolean;
  /** Restores `dir`; returns the key that matched, or undefined on a miss. */
  restore(dir: string, key: string, restoreKeys: string[]): Promise<string | undefined>;
  save(dir: string, key: string): Promise<void>;
}

/**
 * Whether the runner offers the Actions cache, decided as @actions/cache does: service v2
 * (ACTIONS_CACHE_SERVICE_V2, not on GHES) needs ACTIONS_RESULTS_URL, v1 needs ACTIONS_CACHE_URL.
 */
export function actionsCacheOffered(env: NodeJS.ProcessEnv = process.env): boolean {
  const host = new URL(env.GITHUB_SERVER_URL || 'https://github.com').hostname.toLowerCase();
  const ghes = host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost');
  return env.ACTIONS_CACHE_SERVICE_V2 && !ghes ? !!env.ACTIONS_RESULTS_URL : !!env.ACTIONS_CACHE_URL;
}

/**
 * The Actions cache service through @actions/cache. The library (with the Azure storage SDK it
 * needs) is loaded only when the runner offers the service, which keeps it out of the main bundle.
 */
export const actionsDbCache: DbCache = {
  available: () => actionsCacheOffered(),
  restore: async (dir, key, restoreKeys) => {
    const actionsCache = await import('@actions/cache');
    return actionsCache.restoreCache([dir], key, restoreKeys);
  },
  save: async (dir, key) => {
    const actionsCache = await import('@actions/cache');
    await actionsCache.saveCache([dir], key);
  },
};
