import {
  checkHsts,
  checkRedirect,
  checkSecurityHeaders,
  checkVersionLeak,
  evaluateTls,
  plainHttpUrl,
  type HttpResponse,
} from '@alt-las/verify';
import { defaultChecksPlan, type SecurityExpectations } from '@alt-las/verify';

const response = (headers: Record<string, string>, status = 200): HttpResponse => ({
  status,
  headers,
  body: '',
  latencyMs: 1,
});
const outcome = (result: { status: string; message: string }) => `${result.status}: ${result.message}`;

test('HSTS needs a max-age of at least the minimum', () => {
  expect(outcome(checkHsts(response({ 'strict-transport-security': 'max-age=600' }), 86_400))).toBe(
    'fail: Strict-Transport-Security max-age=600 is below 86400 seconds',
  );
  expect(outcome(checkHsts(response({ 'strict-transport-security': 'includeSubDomains' }), 0))).toBe(
    'fail: Strict-Transport-Security "includeSubDomains" has no max-age',
  );
  expect(
    checkHsts(response({ 'strict-transport-security': 'includeSubDomains; max-age=31536000' }), 86_400)
      .status,
  ).toBe('pass');
});

test('security headers: nosniff exactly, frame-ancestors stands in for X-Frame-Options', () => {
  const results = checkSecurityHeaders(
    response({
      'x-content-type-options': 'sniff',
      'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
    }),
    ['x-content-type-options', 'x-frame-options', 'referrer-policy'],
  );
  expect(results.map(outcome)).toEqual([
    'fail: x-content-type-options is "sniff", expected nosniff',
    'pass: covered by Content-Security-Policy frame-ancestors',
    'fail: referrer-policy header is missing',
  ]);
});

test('a Server header without a version is fine; versions and X-Powered-By are leaks', () => {
  expect(outcome(checkVersionLeak(response({ server: 'envoy' })))).toBe('pass: Server: envoy (no version)');
  expect(outcome(checkVersionLeak(response({ server: 'Apache/2.4.58 (Debian)' })))).toBe(
    'fail: response reveals server software: Server: Apache/2.4.58 (Debian)',
  );
});

test('redirects must go to https; the default plain URL is port 80 of the host', () => {
  expect(
    checkRedirect(response({ location: 'http://api.example/health' }, 301), 'http://api.example/health')
      .message,
  ).toBe('http://api.example/health redirects to http://api.example/health, not to an https:// URL');
  expect(
    checkRedirect(response({ location: 'https://api.example/health' }, 308), 'http://api.example/health')
      .status,
  ).toBe('pass');
  expect(checkRedirect(new Error('connect ECONNREFUSED'), 'http://api.example/health').status).toBe('fail');
  const security = defaultChecksPlan().security as SecurityExpectations;
  expect(plainHttpUrl(new URL('https://api.example:8443/v1'), security)).toBe('http://api.example/v1/health');
  expect(plainHttpUrl(new URL('https://[::1]:8443/'), security)).toBe('http://[::1]/health');
  expect(plainHttpUrl(new URL('https://api.example'), { ...security, httpsRedirect: false })).toBeUndefined();
});

test('certificate validity windows: not yet valid, expiring on the day, chain errors', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const base = {
    protocol: 'TLSv1.3',
    subject: 'api.example',
    issuer: 'Example CA',
    altNames: 'DNS:api.example',
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validTo: new Date('2026-12-01T00:00:00Z'),
  };
  const names = (results: ReturnType<typeof evaluateTls>) =>
    Object.fromEntries(results.map((result) => [result.name, outcome(result)]));
  expect(
    names(
      evaluateTls('api.example', { ...base, validFrom: new Date('2026-07-01T00:00:00Z') }, undefined, {
        minDays: 14,
        now,
      }),
    )['certificate expiry'],
  ).toBe('fail: certificate is not valid before 2026-07-01T00:00:00.000Z');
  expect(
    names(
      evaluateTls('api.example', { ...base, validTo: new Date('2026-06-15T00:00:00Z') }, undefined, {
        minDays: 14,
        now,
      }),
    )['certificate expiry'],
  ).toBe('pass: valid for 14 more days (until 2026-06-15)');
  expect(
    names(
      evaluateTls('api.example', { ...base, chainError: 'SELF_SIGNED_CERT_IN_CHAIN' }, undefined, {
        minDays: 14,
        now,
      }),
    )['certificate chain'],
  ).toBe(
    'fail: certificate is not trusted: SELF_SIGNED_CERT_IN_CHAIN (issuer Example CA; pass ca-file for a private CA)',
  );
});
