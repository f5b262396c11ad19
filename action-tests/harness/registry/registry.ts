import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from '../paths';
import { selfSignedCertificate, type TlsFiles } from './tls';
import { startTokenService, type TokenService } from './token-service';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface RegistryOptions {
  auth?: RegistryAuth;
  /** Serve HTTPS with a self-signed certificate (`caFile` trusts it). */
  tls?: boolean;
  /** Accounts for htpasswd or the token service; default one user `publisher`. */
  users?: Record<string, string>;
}

export interface Registry {
  /** `127.0.0.1:<port>`: what image references and the action's `registry` input use. */
  host: string;
  /** `https://127.0.0.1:<port>` or `http://...`. */
  url: string;
  tls: boolean;
  /** PEM that trusts the registry's certificate (NODE_EXTRA_CA_CERTS, skopeo cert dirs). */
  caFile?: string;
  /** A directory holding `ca.crt`, as skopeo's `--cert-dir` expects. */
  certDir?: string;
  username: string;
  password: string;
  tokenService?: TokenService;
  /** The registry's log so far (requests and errors). */
  log(): string;
  stop(): Promise<void>;
}

const BINARY = '/usr/bin/docker-registry';

function htpasswdFile(file: string, users: Record<string, string>): void {
  fs.writeFileSync(file, '');
  for (const [user, password] of Object.entries(users)) {
    // bcrypt is the only hash docker-registry accepts.
    execFileSync('htpasswd', ['-bB', file, user, password], { stdio: 'ignore' });
  }
}

function waitForListening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`docker-registry did not start:\n${output()}`)),
      timeoutMs,
    );
    const check = () => {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output());
      if (match) finish(undefined, Number(match[1]));
    };
    const exited = (code: number | null) =>
      finish(new Error(`docker-registry exited with ${code} before listening:\n${output()}`));
    function finish(error?: Error, port?: number) {
      clearTimeout(timer);
      child.stderr?.off('data', check);
      child.stdout?.off('data', check);
      child.off('exit', exited);
      if (error) reject(error);
      else resolve(port!);
    }
    child.stderr?.on('data', check);
    child.stdout?.on('data', check);
    child.on('exit', exited);
  });
}

/**
 * Starts Debian's docker-registry (a real distribution registry) on 127.0.0.1 with an ephemeral
 * port, optionally behind TLS and htpasswd or token authentication. Storage is a fresh directory
 * removed on stop.
 */
export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  if (!fs.existsSync(BINARY)) throw new Error(`${BINARY} is missing: install the docker-registry package`);
  const auth = options.auth ?? 'none';
  const tlsWanted = options.tls ?? auth !== 'none';
  const users = options.users ?? { publisher: 'correct-horse-battery' };
  const [username, password] = Object.entries(users)[0]!;
  const dir = makeTempDir('alt-las-registry');
  let tls: TlsFiles | undefined;
  let certDir: string | undefined;
  let tokenService: TokenService | undefined;
  const authConfig: string[] = [];
  if (tlsWanted) {
    tls = selfSignedCertificate(dir);
    certDir = path.join(dir, 'certs.d');
    fs.mkdirSync(certDir);
    fs.copyFileSync(tls.cert, path.join(certDir, 'ca.crt'));
  }
  if (auth === 'htpasswd') {
    const file = path.join(dir, 'htpasswd');
    htpasswdFile(file, users);
    authConfig.push('auth:', '  htpasswd:', '    realm: alt-las-test', `    path: ${file}`);
  } else if (auth === 'token') {
    const signing = selfSignedCertificate(dir, 'token-signing', 'alt-las-test-token-service');
    tokenService = await startTokenService({ ...signing, users });
    authConfig.push(
      'auth:',
      '  token:',
      `    realm: ${tokenService.realm}`,
      `    service: ${tokenService.service}`,
      `    issuer: ${tokenService.issuer}`,
      `    rootcertbundle: ${signing.cert}`,
    );
  }
  const config = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    '  addr: 127.0.0.1:0',
    `  secret: ${Math.random().toString(36).slice(2)}`,
    ...(tls ? ['  tls:', `    certificate: ${tls.cert}`, `    key: ${tls.key}`] : []),
    ...authConfig,
    '',
  ].join('\n');
  const configFile = path.join(dir, 'config.yml');
  fs.writeFileSync(configFile, config);

  const chunks: Buffer[] = [];
  const child = spawn(BINARY, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
  const log = () => Buffer.concat(chunks).toString();
  const cleanup = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await tokenService?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  let port: number;
  try {
    port = await waitForListening(child, log, 15_000);
  } catch (error) {
    await cleanup();
    throw error;
  }
  const host = `127.0.0.1:${port}`;
  return {
    host,
    url: `${tls ? 'https' : 'http'}://${host}`,
    tls: tls !== undefined,
    caFile: tls?.cert,
    certDir,
    username,
    password,
    tokenService,
    log,
    stop: cleanup,
  };
}
