import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface IssuedCertificate {
  key: string;
  cert: string;
  certFile: string;
  keyFile: string;
}

export interface IssueOptions {
  /** DNS names and IP addresses the certificate is valid for. */
  hosts: string[];
  notBefore?: Date;
  notAfter?: Date;
}

const DAY_MS = 86_400_000;
const asn1 = (date: Date) => `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || (error as Error).message}`, { cause: error });
  }
}

/**
 * A throw-away certificate authority (openssl) that issues server certificates with any validity
 * window, so tests can present valid, expired, soon-expiring and wrong-host certificates.
 */
export class TestCa {
  readonly certFile: string;
  private constructor(readonly dir: string) {
    this.certFile = path.join(dir, 'ca.pem');
  }

  static create(dir: string): TestCa {
    fs.mkdirSync(path.join(dir, 'issued'), { recursive: true });
    const ca = new TestCa(dir);
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        'ca.key',
        '-sha256',
        '-days',
        '30',
        '-subj',
        '/CN=ALT_LAS test CA',
        '-out',
        'ca.pem',
      ],
      dir,
    );
    fs.writeFileSync(path.join(dir, 'index.txt'), '');
    fs.writeFileSync(path.join(dir, 'serial'), '1000\n');
    fs.writeFileSync(
      path.join(dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = test_ca',
        '[ test_ca ]',
        `dir = ${dir}`,
        'database = $dir/index.txt',
        'new_certs_dir = $dir/issued',
        'serial = $dir/serial',
        'default_md = sha256',
        'policy = any_name',
        'unique_subject = no',
        'copy_extensions = none',
        '[ any_name ]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    return ca;
  }

  get pem(): string {
    return fs.readFileSync(this.certFile, 'utf8');
  }

  issue(name: string, options: IssueOptions): IssuedCertificate {
    const now = Date.now();
    const notBefore = options.notBefore ?? new Date(now - DAY_MS);
    const notAfter = options.notAfter ?? new Date(now + 90 * DAY_MS);
    const base = path.join(this.dir, name);
    const san = options.hosts.map((host) => (isIp(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
    fs.writeFileSync(
      `${base}.ext`,
      `[ server ]\nsubjectAltName = ${san}\nextendedKeyUsage = serverAuth\nkeyUsage = digitalSignature\n`,
    );
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${base}.key`], this.dir);
    openssl(
      ['req', '-new', '-key', `${base}.key`, '-subj', `/CN=${options.hosts[0]}`, '-out', `${base}.csr`],
      this.dir,
    );
    openssl(
      [
        'ca',
        '-batch',
        '-notext',
        '-config',
        'ca.cnf',
        '-cert',
        'ca.pem',
        '-keyfile',
        'ca.key',
        '-in',
        `${base}.csr`,
        '-out',
        `${base}.pem`,
        '-startdate',
        asn1(notBefore),
        '-enddate',
        asn1(notAfter),
        '-extfile',
        `${base}.ext`,
        '-extensions',
        'server',
      ],
      this.dir,
    );
    return {
      key: fs.readFileSync(`${base}.key`, 'utf8'),
      cert: fs.readFileSync(`${base}.pem`, 'utf8'),
      certFile: `${base}.pem`,
      keyFile: `${base}.key`,
    };
  }
}

export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS);
