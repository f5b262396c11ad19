import type { HttpTransport } from './http-transport';
import { describeErrorBody, RegistryAuthError, RegistryError } from './registry-errors';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `WWW-Authenticate: Bearer realm="...",service="...",scope="a,b"` (quoted commas kept). */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    params[key!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare ?? '');
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Answers a registry's auth challenges. Basic sends the credentials on every request after the
 * first challenge; Bearer (the token flow GHCR uses) trades them at the realm for a token per
 * scope set, cached until shortly before it expires.
 */
export class RegistryAuth {
  private basic = false;
  private readonly tokens = new Map<string, { token: string; expires: number }>();

  constructor(
    private readonly transport: HttpTransport,
    private readonly credentials: Credentials | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** The Authorization header for a request needing `scopes`, when one is known. */
  header(scopes: string[]): Record<string, string> {
    if (this.basic && this.credentials) return { authorization: this.basicValue() };
    const cached = this.tokens.get(scopeKey(scopes));
    return cached && cached.expires > this.now() ? { authorization: `Bearer ${cached.token}` } : {};
  }

  /**
   * Handles a 401 to a request that carried `sent` (its Authorization header, if any): returns true
   * when a retry with fresh authorization is worth it, false when these credentials were refused.
   */
  async challenge(header: string | undefined, scopes: string[], sent: string | undefined): Promise<boolean> {
    const challenge = parseChallenge(header);
    if (challenge?.scheme === 'basic') {
      if (!this.credentials || sent === this.basicValue()) return false;
      this.basic = true;
      return true;
    }
    if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      const cached = this.tokens.get(scopeKey(scopes));
      // Another request may have fetched a token meanwhile; only a refused fresh token is final.
      if (cached && cached.expires > this.now() && sent !== `Bearer ${cached.token}`) return true;
      if (cached && cached.expires > this.now()) return false;
      await this.fetchToken(challenge, scopes);
      return true;
    }
    return false;
  }

  private basicValue(): string {
    const { username, password } = this.credentials!;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private async fetchToken(challenge: Challenge, scopes: string[]): Promise<void> {
    const url = new URL(challenge.params.realm!);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    const wanted = new Set(scopes);
    if (challenge.params.scope) for (const scope of challenge.params.scope.split(' ')) wanted.add(scope);
    for (const scope of wanted) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    if (this.credentials) headers.authorization = this.basicValue();
    const response = await this.transport({ method: 'GET', url: url.toString(), headers });
    if (response.status === 401 || response.status === 403) {
      throw new RegistryAuthError(
        `the token service at ${url.origin}${url.pathname} refused the credentials${
          this.credentials ? ` of "${this.credentials.username}"` : ' (none were given)'
        } (HTTP ${response.status}); check the username and token`,
        response.status,
      );
    }
    if (response.status !== 200) {
      throw new RegistryError(
        `token service ${url.origin}${url.pathname} answered HTTP ${response.status}: ${describeErrorBody(response.body).detail}`,
        response.status,
      );
    }
    const body = JSON.parse(response.body.toString('utf8')) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token service ${url.origin} returned no token`, 502);
    // Renew a little early so a token never expires between check and use.
    const lifetime = Math.max(30, body.expires_in ?? 60) * 1000;
    this.tokens.set(scopeKey(scopes), { token, expires: this.now() + lifetime - 10_000 });
  }
}

function scopeKey(scopes: string[]): string {
  return [...scopes].sort().join(' ');
}
