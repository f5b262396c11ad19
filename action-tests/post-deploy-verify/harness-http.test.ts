import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import { daysFromNow, json, startTestServer, TestCa } from '../harness/http';
import { makeTempDir } from '../harness/paths';

let dir: string;
let ca: TestCa;
beforeAll(() => {
  dir = makeTempDir('harness-http');
  ca = TestCa.create(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the test CA signs certificates with the requested names and validity window', () => {
  const notAfter = daysFromNow(-1);
  const issued = ca.issue('expired', {
    hosts: ['127.0.0.1', 'gw.alt-las.test'],
    notBefore: daysFromNow(-30),
    notAfter,
  });
  const certificate = new X509Certificate(issued.cert);
  expect(certificate.verify(new X509Certificate(ca.pem).publicKey)).toBe(true);
  expect(certificate.subjectAltName).toBe('IP Address:127.0.0.1, DNS:gw.alt-las.test');
  expect(Math.abs(new Date(certificate.validTo).getTime() - notAfter.getTime())).toBeLessThan(1000);
  expect(certificate.checkHost('other.example')).toBeUndefined();
});

test('a test server answers scripted routes, records requests and stops', async () => {
  const server = await startTestServer({ routes: { '/health': json(200, { status: 'ok' }) } });
  const health = await fetch(`${server.url}/health?probe=1`, { headers: { 'x-probe': 'yes' } });
  expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
  server.route('/health', json(503, { status: 'down' }));
  expect((await fetch(`${server.url}/health`)).status).toBe(503);
  expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
  expect(server.requests.map((request) => request.path)).toEqual(['/health', '/health', '/nothing']);
  expect(server.requests[0]!.headers['x-probe']).toBe('yes');
  await server.stop();
  await expect(fetch(`${server.url}/health`)).rejects.toThrow();
});
