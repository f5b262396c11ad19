import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenService {
  /** The realm the registry sends in its Bearer challenge. */
  realm: string;
  issuer: string;
  service: string;
  /** Tokens issued, with the scopes granted. */
  issued: { account: string; scope: string[] }[];
  /** Requests refused for bad or missing credentials. */
  refused: number;
  stop(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * A small token service for the registry's `auth.token` mode, the scheme GHCR uses: the client
 * sends Basic credentials to the realm with `service` and `scope`, and gets a short-lived RS256
 * JWT whose `x5c` header carries the signing certificate the registry trusts (rootcertbundle).
 */
export async function startTokenService(options: {
  cert: string;
  key: string;
  users: Record<string, string>;
  service?: string;
  issuer?: string;
}): Promise<TokenService> {
  const service = options.service ?? 'alt-las-test-registry';
  const issuer = options.issuer ?? 'alt-las-test-token-service';
  const key = crypto.createPrivateKey(fs.readFileSync(options.key));
  const certDer = new crypto.X509Certificate(fs.readFileSync(options.cert)).raw;
  const issued: TokenService['issued'] = [];
  let refused = 0;

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const authorization = request.headers.authorization ?? '';
    const [user, password] = authorization.startsWith('Basic ')
      ? Buffer.from(authorization.slice(6), 'base64').toString().split(/:(.*)/s)
      : [];
    if (!user || options.users[user] === undefined || options.users[user] !== password) {
      refused++;
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const scopes = url.searchParams.getAll('scope');
    const access = scopes.flatMap((scope) => {
      const [type, ...rest] = scope.split(':');
      const actions = rest.pop() ?? '';
      return type ? [{ type, name: rest.join(':'), actions: actions.split(',').filter(Boolean) }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer.toString('base64')] };
    const claims = {
      iss: issuer,
      sub: user,
      aud: url.searchParams.get('service') ?? service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: crypto.randomUUID(),
      access,
    };
    const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = crypto.sign('sha256', Buffer.from(input), key);
    const token = `${input}.${base64url(signature)}`;
    issued.push({ account: user, scope: scopes });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    issuer,
    service,
    issued,
    get refused() {
      return refused;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
