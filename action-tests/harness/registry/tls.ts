import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** A self-signed RSA certificate for 127.0.0.1 (also its own CA), written into `dir`. */
export function selfSignedCertificate(dir: string, name = 'server', commonName = '127.0.0.1'): TlsFiles {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}
