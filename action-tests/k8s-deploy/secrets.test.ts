import * as fs from 'node:fs';
import * as path from 'node:path';
import { SecretRedactor } from '@alt-las/action-kit';
import {
  buildSecrets,
  decodeKubeconfig,
  prepareKubeconfig,
  redactSecretDiff,
  removeKubeconfig,
  renderPlan,
  validateSecretsSpec,
} from '@alt-las/kube';
import { makeTempDir } from '../harness/paths';

const CANARY = 'canary-Zq8xW3-password';
const TOKEN = 'canary-token-7Hk2pL9';

const kubeconfigYaml = `apiVersion: v1
kind: Config
clusters:
  - name: c
    cluster: { server: "http://127.0.0.1:6443" }
contexts:
  - name: ctx
    context: { cluster: c, user: u }
  - name: other
    context: { cluster: c, user: u }
current-context: ctx
users:
  - name: u
    user: { token: ${TOKEN} }
`;

test('Secrets are built from environment variables and their values registered for masking', () => {
  const registered: string[] = [];
  const redactor = new SecretRedactor((value) => registered.push(value));
  const [secret] = buildSecrets(
    { 'postgres-credentials': { password: 'PG_PASSWORD' } },
    'ns',
    { PG_PASSWORD: CANARY },
    redactor,
  );
  expect(secret).toMatchObject({
    kind: 'Secret',
    metadata: { name: 'postgres-credentials', namespace: 'ns' },
  });
  expect(Buffer.from((secret!.data as Record<string, string>).password!, 'base64').toString()).toBe(CANARY);
  expect(registered).toContain(CANARY);
  expect(() => buildSecrets({ s: { k: 'MISSING_VAR' } }, 'ns', {}, redactor)).toThrow(
    /input "secrets": s\.k reads environment variable MISSING_VAR, which is not set/,
  );
  expect(() => validateSecretsSpec({ s: { k: 'not a var' } })).toThrow(
    /input "secrets": s\.k must name an environment variable/,
  );
  expect(() => validateSecretsSpec(['x'])).toThrow(/input "secrets": expected a mapping/);
});

test('the rendered plan never shows Secret values, encoded or not', () => {
  const redactor = new SecretRedactor(() => undefined);
  const secrets = buildSecrets({ s: { password: 'PW' } }, 'ns', { PW: CANARY }, redactor);
  const plan = renderPlan([
    ...secrets,
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain' }, stringData: { k: CANARY } },
  ]);
  expect(plan).not.toContain(CANARY);
  expect(plan).not.toContain(Buffer.from(CANARY).toString('base64'));
  expect(plan).toContain('password: "***"');
});

test('Secret data lines in a kubectl diff are redacted; other objects are untouched', () => {
  const diff = [
    'diff -u -N /tmp/LIVE-1/v1.Secret.ns.s /tmp/MERGED-1/v1.Secret.ns.s',
    '--- /tmp/LIVE-1/v1.Secret.ns.s',
    '+++ /tmp/MERGED-1/v1.Secret.ns.s',
    '@@ -1,3 +1,3 @@',
    ' data:',
    `-  password: ${Buffer.from('old').toString('base64')}`,
    `+  password: ${Buffer.from(CANARY).toString('base64')}`,
    ' kind: Secret',
    'diff -u -N /tmp/LIVE-1/v1.ConfigMap.ns.c /tmp/MERGED-1/v1.ConfigMap.ns.c',
    ' data:',
    '+  LOG_LEVEL: debug',
  ].join('\n');
  const redacted = redactSecretDiff(diff);
  expect(redacted).not.toContain(Buffer.from(CANARY).toString('base64'));
  expect(redacted).toContain('+  password: ***');
  expect(redacted).toContain('+  LOG_LEVEL: debug');
});

describe('kubeconfig', () => {
  test('plain and base64 are accepted; garbage is a clear error naming the input', () => {
    expect(decodeKubeconfig(kubeconfigYaml).document['current-context']).toBe('ctx');
    expect(decodeKubeconfig(Buffer.from(kubeconfigYaml).toString('base64')).text).toBe(kubeconfigYaml);
    for (const garbage of ['not a kubeconfig', 'a: [1', Buffer.from('hello: world').toString('base64')]) {
      expect(() => decodeKubeconfig(garbage)).toThrow(/input "kubeconfig": expected a kubeconfig/);
    }
  });

  test('written 0600 in its own folder under the temp dir, credentials masked, removed afterwards', () => {
    const temp = makeTempDir('kubeconfig');
    const registered: string[] = [];
    const redactor = new SecretRedactor((value) => registered.push(value));
    const encoded = Buffer.from(kubeconfigYaml).toString('base64');
    const prepared = prepareKubeconfig(encoded, { tempDir: temp, redactor });
    expect(path.dirname(prepared.dir)).toBe(temp);
    expect(fs.statSync(prepared.path).mode & 0o777).toBe(0o600);
    expect(prepared.server).toBe('http://127.0.0.1:6443');
    expect(registered).toEqual(expect.arrayContaining([encoded, TOKEN]));
    expect(redactor.redact(`token ${TOKEN}`)).toBe('token ***');
    expect(removeKubeconfig(prepared.dir)).toBe(true);
    expect(fs.existsSync(prepared.dir)).toBe(false);
    // Only its own folder is ever removed.
    expect(removeKubeconfig(temp)).toBe(false);
    expect(fs.existsSync(temp)).toBe(true);
  });

  test('an unknown context is refused with the contexts that exist', () => {
    const redactor = new SecretRedactor(() => undefined);
    expect(() =>
      prepareKubeconfig(kubeconfigYaml, { tempDir: makeTempDir('kubeconfig'), context: 'prod', redactor }),
    ).toThrow(/input "context": "prod" is not a context of the kubeconfig \(it has ctx, other\)/);
  });
});
