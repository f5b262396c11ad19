import * as fs from 'node:fs';
import * as path from 'node:path';

/** A kubeconfig for kubectl: one cluster at `url`, a token user, one current context. */
export function kubeconfigFor(url: string, namespace = 'default'): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: standin',
    '    cluster:',
    `      server: ${url}`,
    'users:',
    '  - name: standin-admin',
    '    user:',
    '      token: standin-token',
    'contexts:',
    '  - name: standin',
    '    context:',
    '      cluster: standin',
    '      user: standin-admin',
    `      namespace: ${namespace}`,
    'current-context: standin',
    'preferences: {}',
    '',
  ].join('\n');
}

export function writeKubeconfigFile(dir: string, url: string): string {
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(file, kubeconfigFor(url), { mode: 0o600 });
  return file;
}
