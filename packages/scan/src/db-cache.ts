/** Where the vulnerability DB survives between runs; the Actions cache on GitHub's runners. */
export interface DbCache {
  available(): boolean;
  /** Restores `dir`; returns the key that matched, or undefined on a miss. */
  restore(dir: string, key: string, restoreKeys: string[]): Promise<string | undefined>;
  save(dir: string, key: string): Promise<void>;
}

/** The runner variables @actions/cache talks to: ACTIONS_CACHE_URL (service v1) or ACTIONS_RESULTS_URL (v2). */
export function actionsCacheOffered(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL);
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
