/** A user mistake (input, file, configuration): reported as-is, without a stack trace. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  constructor(
    message: string,
    /** The input, file or field the user has to change. */
    readonly subject?: string,
  ) {
    super(message);
  }
}

/** A command or network operation that ran out of time. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
