import * as tls from 'node:tls';
import { check, type CheckResult } from './results';

export interface TlsEndpoint {
  host: string;
  port: number;
  /** Trusted authorities (PEM) in addition to Node's roots; undefined trusts Node's roots only. */
  ca?: string[];
  timeoutMs?: number;
}

export interface TlsInspection {
  protocol: string | null;
  /** The chain verifies against the trusted authorities (hostname aside). */
  chainError?: string;
  hostnameError?: string;
  subject: string;
  issuer: string;
  altNames: string;
  validFrom: Date;
  validTo: Date;
}

const DAY_MS = 86_400_000;
const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');

function connect(endpoint: TlsEndpoint, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: endpoint.host,
      port: endpoint.port,
      // SNI carries names only; an IP address is matched against the certificate's IP entries instead.
      servername: isIp(endpoint.host) ? undefined : endpoint.host,
      ca: endpoint.ca,
      rejectUnauthorized: false,
      ...options,
    });
    socket.setTimeout(endpoint.timeoutMs ?? 10_000, () =>
      socket.destroy(new Error('TLS handshake timed out')),
    );
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Handshakes once (without rejecting bad certificates) and reads what the server presented. */
export async function inspectTls(endpoint: TlsEndpoint): Promise<TlsInspection> {
  const socket = await connect(endpoint, {});
  try {
    const certificate = socket.getPeerCertificate();
    if (!certificate || Object.keys(certificate).length === 0)
      throw new Error('the server presented no certificate');
    const chainError = socket.authorized ? undefined : String(socket.authorizationError ?? 'not trusted');
    const hostnameError = tls.checkServerIdentity(endpoint.host, certificate)?.message;
    return {
      protocol: socket.getProtocol(),
      // Node folds a hostname mismatch into authorizationError; it is reported as its own check.
      chainError: chainError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? undefined : chainError,
      hostnameError,
      subject: String(certificate.subject?.CN ?? ''),
      issuer: String(certificate.issuer?.CN ?? certificate.issuer?.O ?? ''),
      altNames: certificate.subjectaltname ?? '',
      validFrom: new Date(certificate.valid_from),
      validTo: new Date(certificate.valid_to),
    };
  } finally {
    socket.destroy();
  }
}

/** The legacy protocol (TLS 1.0 or 1.1) the server agreed to, or undefined when it refused both. */
export async function acceptedLegacyProtocol(endpoint: TlsEndpoint): Promise<string | undefined> {
  try {
    // Security level 0 lets this client offer the old protocols, so only the server's refusal counts.
    const socket = await connect(endpoint, {
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    const protocol = socket.getProtocol() ?? 'TLSv1.x';
    socket.destroy();
    return protocol;
  } catch {
    return undefined;
  }
}

export function evaluateTls(
  host: string,
  inspection: TlsInspection,
  legacyProtocol: string | undefined,
  options: { minDays: number; now?: Date },
): CheckResult[] {
  const now = options.now ?? new Date();
  const daysLeft = Math.floor((inspection.validTo.getTime() - now.getTime()) / DAY_MS);
  const until = inspection.validTo.toISOString().slice(0, 10);
  const details = {
    subject: inspection.subject,
    issuer: inspection.issuer,
    altNames: inspection.altNames,
    validTo: inspection.validTo.toISOString(),
  };
  let expiry: CheckResult;
  if (inspection.validTo.getTime() <= now.getTime()) {
    expiry = check('security', 'certificate expiry', 'fail', `certificate expired on ${until}`, { details });
  } else if (inspection.validFrom.getTime() > now.getTime()) {
    expiry = check(
      'security',
      'certificate expiry',
      'fail',
      `certificate is not valid before ${inspection.validFrom.toISOString()}`,
      { details },
    );
  } else if (daysLeft < options.minDays) {
    expiry = check(
      'security',
      'certificate expiry',
      'fail',
      `certificate expires in ${daysLeft} day(s) on ${until}, within tls-min-days (${options.minDays})`,
      { details },
    );
  } else {
    expiry = check(
      'security',
      'certificate expiry',
      'pass',
      `valid for ${daysLeft} more days (until ${until})`,
      { details },
    );
  }
  const chainOk = !inspection.chainError || inspection.chainError === 'CERT_HAS_EXPIRED';
  return [
    expiry,
    check(
      'security',
      'certificate hostname',
      inspection.hostnameError ? 'fail' : 'pass',
      inspection.hostnameError
        ? `certificate does not cover ${host}: ${inspection.hostnameError}`
        : `certificate covers ${host} (${inspection.altNames || inspection.subject})`,
    ),
    check(
      'security',
      'certificate chain',
      chainOk ? 'pass' : 'fail',
      chainOk
        ? `issued by ${inspection.issuer || 'a trusted authority'}`
        : `certificate is not trusted: ${inspection.chainError} (issuer ${inspection.issuer || 'unknown'}; pass ca-file for a private CA)`,
    ),
    check(
      'security',
      'TLS protocol',
      legacyProtocol ? 'fail' : 'pass',
      legacyProtocol
        ? `server accepts ${legacyProtocol}; only TLS 1.2 and newer should be offered`
        : `negotiated ${inspection.protocol ?? 'unknown'}; TLS 1.0 and 1.1 refused`,
    ),
  ];
}
