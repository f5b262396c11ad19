import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/paths';
import { productionExpectations, sampleVars, productionReplicas } from './production-manifests';

const page = fs.readFileSync(path.join(repoRoot, 'docs', 'operations.md'), 'utf8');
const rows = page.split('\n').filter((line) => line.startsWith('|'));
const cells = (line: string) => line.split('|').map((cell) => cell.trim());
/** The table row whose first column holds `text`. */
const row = (text: string) => rows.find((line) => cells(line)[1]?.includes(text));

describe('the operator page agrees with the manifests', () => {
  const expect_ = productionExpectations();

  test.each(Object.entries(expect_.secrets))('Secret %s is documented with its keys', (secret, keys) => {
    const line = row(`\`${secret}\``);
    expect(line).toBeDefined();
    for (const key of keys) expect(line).toContain(`\`${key}\``);
  });

  test.each(Object.keys(sampleVars))('variable %s is documented', (name) => {
    expect(row(`\`${name}\``)).toBeDefined();
  });

  test.each(Object.entries(productionReplicas))('%s runs %i replicas', (name, replicas) => {
    // What runs where: | namespace | workload | kind | replicas | ...
    const line = rows.find((entry) => cells(entry)[2]?.startsWith(`\`${name}\``));
    expect(cells(line ?? '')[4]).toBe(String(replicas));
  });

  test.each(expect_.alerts)('alert %s is documented', (alert) => {
    expect(row(`\`${alert}\``)).toBeDefined();
  });
});
