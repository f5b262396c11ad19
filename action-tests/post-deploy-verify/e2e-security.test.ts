import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import { daysFromNow, json, TestCa, type IssueOptions } from '../harness/http';
import { makeTempDir } from '../harness/paths';
import { runAction } from '../harness/run-action';
import { SECURITY_HEADERS, startRelease } from './release-fixture';

jest.setTimeout(120_000);

let dir: string;
let ca: TestCa;
beforeAll(() => {
  dir = makeTempDir('verify-security');
  ca = TestCa.create(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Scenario {
  cert?: Partial<IssueOptions>;
  headers?: Record<string, string>;
  allowLegacyTls?: boolean;
  inputs?: Record<string, string>;
  plainHttpAnswer?: 'ok';
}

/** Runs only the security category against the HTTPS gateway and returns the security checks by name. */
async function securityRun(name: string, scenario: Scenario = {}) {
  const cert = ca.issue(name, { hosts: ['127.0.0.1'], ...scenario.cert });
  const release = await startRelease({
    cert,
    gatewayHeaders: scenario.headers,
    allowLegacyTls: scenario.allowLegacyTls,
  });
  try {
    if (scenario.plainHttpAnswer) release.plainHttp.route('/health', json(200, { status: 'ok' }));
    const checks = release.writeChecks(makeTempDir('checks'), {
      health: [{ service: 'api-gateway', url: '/health' }],
      smoke: false,
      load: false,
    });
    const run = await runAction('post-deploy-verify', {
      inputs: {
        'base-url': release.gateway.url,
        'checks-file': checks,
        'ca-file': ca.certFile,
        'fail-on': 'security',
        ...scenario.inputs,
      },
    });
    const report = JSON.parse(fs.readFileSync(run.outputs.report!, 'utf8'));
    const security = Object.fromEntries(
      report.checks
        .filter((check: { category: string }) => check.category === 'security')
        .map((check: { name: string; status: string; message: string }) => [
          check.name,
          `${check.status}: ${check.message}`,
        ]),
    );
    return {
      run,
      security,
      failures: JSON.parse(run.outputs.failures!) as { name: string; message: string }[],
    };
  } finally {
    await release.stop();
  }
}

test('an expired certificate fails the expiry check', async () => {
  const { run, security, failures } = await securityRun('expired', {
    cert: { notBefore: daysFromNow(-60), notAfter: daysFromNow(-2) },
  });
  expect(run.exitCode).toBe(1);
  expect(security['certificate expiry']).toMatch(/^fail: certificate expired on \d{4}-\d{2}-\d{2}$/);
  // Expiry is the reason; the chain itself is from the trusted CA.
  expect(security['certificate chain']).toMatch(/^pass/);
  expect(failures.map((failure) => failure.name)).toEqual(['certificate expiry']);
});

test('a certificate expiring within tls-min-days fails; a lower tls-min-days accepts it', async () => {
  const soon = await securityRun('soon', { cert: { notAfter: daysFromNow(5.5) } });
  expect(soon.run.exitCode).toBe(1);
  expect(soon.security['certificate expiry']).toMatch(
    /^fail: certificate expires in 5 day\(s\) on .*within tls-min-days \(14\)$/,
  );

  const relaxed = await securityRun('soon-relaxed', {
    cert: { notAfter: daysFromNow(5.5) },
    inputs: { 'tls-min-days': '3' },
  });
  expect(relaxed.run.exitCode).toBe(0);
  expect(relaxed.security['certificate expiry']).toMatch(/^pass: valid for 5 more days/);
});

test('a certificate for another host fails the hostname check', async () => {
  const { run, security, failures } = await securityRun('wrong-host', {
    cert: { hosts: ['api.other.example'] },
  });
  expect(run.exitCode).toBe(1);
  expect(security['certificate hostname']).toMatch(/^fail: certificate does not cover 127\.0\.0\.1/);
  expect(failures.map((failure) => failure.name)).toEqual(['certificate hostname']);
});

test('missing HSTS, a leaked server version and no HTTPS redirect each fail', async () => {
  const { 'strict-transport-security': _hsts, ...withoutHsts } = SECURITY_HEADERS;
  const { run, security } = await securityRun('headers', {
    headers: { ...withoutHsts, server: 'nginx/1.25.3', 'x-powered-by': 'Express' },
    plainHttpAnswer: 'ok',
  });
  expect(run.exitCode).toBe(1);
  expect(security.HSTS).toBe('fail: Strict-Transport-Security header is missing');
  expect(security['server version']).toBe(
    'fail: response reveals server software: Server: nginx/1.25.3; x-powered-by: Express',
  );
  expect(security['HTTPS redirect']).toMatch(
    /^fail: http:\/\/127\.0\.0\.1:\d+\/health answers HTTP 200 over plain HTTP/,
  );
  expect(security['header x-content-type-options']).toMatch(/^pass/);
  expect(
    run.annotations
      .filter((annotation) => annotation.level === 'error')
      .map((annotation) => annotation.properties.title),
  ).toEqual(
    expect.arrayContaining(['security: HSTS', 'security: server version', 'security: HTTPS redirect']),
  );
});

test('a server that still accepts TLS 1.1 fails the protocol check', async () => {
  const { run, security } = await securityRun('legacy', { allowLegacyTls: true });
  expect(run.exitCode).toBe(1);
  expect(security['TLS protocol']).toMatch(
    /^fail: server accepts TLSv1(\.1)?; only TLS 1\.2 and newer should be offered$/,
  );
});

test('without ca-file a private CA is not trusted', async () => {
  const { run, security } = await securityRun('untrusted', { inputs: { 'ca-file': '' } });
  expect(run.exitCode).toBe(1);
  expect(security['certificate chain']).toMatch(
    /^fail: certificate is not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
  );
});
