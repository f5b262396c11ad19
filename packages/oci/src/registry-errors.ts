/** A registry answered with an error status (or not at all). */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    message: string,
    /** HTTP status; 0 when the connection failed. */
    readonly status: number,
    /** Wait the registry asked for (Retry-After), in ms. */
    readonly retryAfterMs?: number,
    /** The distribution error code (`BLOB_UNKNOWN`, `DENIED`, ...), when the body had one. */
    readonly code?: string,
  ) {
    super(message);
  }

  /** 429, 5xx and connection failures pass; anything else would fail the same way again. */
  get transient(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** The registry or its token service refused the credentials (401) or the permission (403). */
export class RegistryAuthError extends RegistryError {
  override get transient(): boolean {
    return false;
  }
}

/** The registry stored something other than what was sent. */
export class DigestMismatchError extends RegistryError {
  override get transient(): boolean {
    return false;
  }
}

export function isTransient(error: unknown): boolean {
  return error instanceof RegistryError && error.transient;
}

export function retryAfterOf(error: unknown): number | undefined {
  return error instanceof RegistryError ? error.retryAfterMs : undefined;
}

/** Picks the first `errors[].code: message` out of a distribution error body. */
export function describeErrorBody(body: Buffer): { code?: string; detail: string } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
    const first = parsed.errors?.[0];
    if (first) return { code: first.code, detail: `${first.code ?? 'error'}: ${first.message ?? ''}`.trim() };
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return { detail: body.toString('utf8').slice(0, 200).trim() };
}

/** The registry's certificate is not trusted: retrying cannot help, trusting its CA can. */
export class RegistryTlsError extends RegistryError {
  override get transient(): boolean {
    return false;
  }
}
