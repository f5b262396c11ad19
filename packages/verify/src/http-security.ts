import { errorMessage } from '@alt-las/action-kit';
import type { SecurityExpectations } from './checks-plan';
import { plainHttpVariant, resolveLocation } from './location';
import { headerValue, type HttpClient, type HttpResponse } from './http-client';
import { check, type CheckResult } from './results';

const REDIRECTS = [301, 302, 303, 307, 308];
/** Headers whose only purpose is to name the server software. */
const FINGERPRINT_HEADERS = ['x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version', 'x-generator'];

/** The plain-HTTP URL that should redirect: the configured one, or the checked HTTPS URL on port 80. */
export function plainHttpUrl(baseUrl: URL, expectations: SecurityExpectations): string | undefined {
  if (expectations.httpsRedirect === false) return undefined;
  if (expectations.httpsRedirect) return expectations.httpsRedirect;
  return plainHttpVariant(resolveLocation(baseUrl, expectations.path));
}

export function checkRedirect(response: HttpResponse | Error, url: string): CheckResult {
  const name = 'HTTPS redirect';
  if (response instanceof Error) {
    return check(
      'security',
      name,
      'fail',
      `${url} did not answer (${response.message}); it should redirect to HTTPS (set security.https-redirect to the plain-HTTP URL, or false when none is served)`,
    );
  }
  const location = headerValue(response.headers, 'location') ?? '';
  if (REDIRECTS.includes(response.status) && location.startsWith('https://')) {
    return check('security', name, 'pass', `${url} answers ${response.status} -> ${location}`);
  }
  return check(
    'security',
    name,
    'fail',
    REDIRECTS.includes(response.status)
      ? `${url} redirects to ${location || '(no Location)'}, not to an https:// URL`
      : `${url} answers HTTP ${response.status} over plain HTTP instead of redirecting to HTTPS`,
  );
}

export function checkHsts(response: HttpResponse, minAgeSeconds: number): CheckResult {
  const value = headerValue(response.headers, 'strict-transport-security');
  if (!value) return check('security', 'HSTS', 'fail', 'Strict-Transport-Security header is missing');
  const maxAge = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value)?.[1];
  if (maxAge === undefined)
    return check('security', 'HSTS', 'fail', `Strict-Transport-Security "${value}" has no max-age`);
  if (Number(maxAge) < minAgeSeconds) {
    return check(
      'security',
      'HSTS',
      'fail',
      `Strict-Transport-Security max-age=${maxAge} is below ${minAgeSeconds} seconds`,
    );
  }
  return check('security', 'HSTS', 'pass', `Strict-Transport-Security: ${value}`);
}

export function checkSecurityHeaders(response: HttpResponse, required: string[]): CheckResult[] {
  return required.map((name) => {
    const value = headerValue(response.headers, name);
    if (name === 'x-content-type-options' && value !== undefined && value.toLowerCase() !== 'nosniff') {
      return check('security', `header ${name}`, 'fail', `${name} is "${value}", expected nosniff`);
    }
    if (value !== undefined) return check('security', `header ${name}`, 'pass', `${name}: ${value}`);
    // frame-ancestors in a Content-Security-Policy is the modern form of X-Frame-Options.
    const csp = headerValue(response.headers, 'content-security-policy') ?? '';
    if (name === 'x-frame-options' && /frame-ancestors/i.test(csp)) {
      return check(
        'security',
        `header ${name}`,
        'pass',
        `covered by Content-Security-Policy frame-ancestors`,
      );
    }
    return check('security', `header ${name}`, 'fail', `${name} header is missing`);
  });
}

export function checkVersionLeak(response: HttpResponse): CheckResult {
  const leaks: string[] = [];
  const server = headerValue(response.headers, 'server');
  if (server && /\d/.test(server)) leaks.push(`Server: ${server}`);
  for (const name of FINGERPRINT_HEADERS) {
    const value = headerValue(response.headers, name);
    if (value !== undefined) leaks.push(`${name}: ${value}`);
  }
  return leaks.length > 0
    ? check('security', 'server version', 'fail', `response reveals server software: ${leaks.join('; ')}`)
    : check(
        'security',
        'server version',
        'pass',
        server ? `Server: ${server} (no version)` : 'no Server header',
      );
}

/** Header, HSTS and redirect checks against the deployed gateway. */
export async function checkHttpSecurity(
  baseUrl: URL,
  expectations: SecurityExpectations,
  resolve: (location: string) => string,
  http: HttpClient,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const url = resolve(expectations.path);
  const https = new URL(url).protocol === 'https:';
  let response: HttpResponse;
  try {
    // The certificate has its own checks; the headers are worth reporting even when it is bad.
    response = await http({ url, verifyTls: false });
  } catch (error) {
    return [check('security', 'security headers', 'fail', `${url} did not answer: ${errorMessage(error)}`)];
  }
  if (https) results.push(checkHsts(response, expectations.hstsMinAgeSeconds));
  else if (expectations.tls)
    results.push(check('security', 'HSTS', 'fail', `${url} is plain HTTP; HSTS needs HTTPS`));
  results.push(...checkSecurityHeaders(response, expectations.headers));
  if (expectations.serverVersionLeak) results.push(checkVersionLeak(response));
  const plain = https ? plainHttpUrl(baseUrl, expectations) : undefined;
  if (plain) {
    const redirect = await http({ url: plain, timeoutMs: 5000 }).catch((error: unknown) =>
      error instanceof Error ? error : new Error(String(error)),
    );
    results.push(checkRedirect(redirect, plain));
  }
  return results;
}
