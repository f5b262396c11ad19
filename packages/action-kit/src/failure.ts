import { ConfigurationError, errorMessage } from './errors';

/**
 * The one-line message an action fails with. Configuration errors already say what to change;
 * anything else is prefixed so users can tell a bug or outage from their own mistake.
 */
export function failureMessage(error: unknown, redact: (text: string) => string = (text) => text): string {
  if (error instanceof ConfigurationError) return redact(error.message);
  return redact(errorMessage(error));
}

/** Entry points that a post step runs: the runner sets STATE_isPost once the main step saved it. */
export const isPostStep = (env: NodeJS.ProcessEnv = process.env): boolean => env.STATE_isPost === 'true';
