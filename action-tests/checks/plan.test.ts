import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { plan } from '../../scripts/plan';
import { withTempDir } from '../harness/paths';

jest.setTimeout(180_000);

test('npm run plan composes the five dry runs into one release plan for the ALT_LAS example', async () => {
  await withTempDir('plan', async (dir) => {
    const out = path.join(dir, 'release-plan.md');
    const markdown = await plan({ version: 'v2.3.4', out, owner: 'Example-Org' });
    expect(fs.readFileSync(out, 'utf8')).toBe(markdown);
    expect(markdown).toMatch(/^# ALT_LAS release plan: 2\.3\.4/);
    for (const service of ['api-gateway', 'segmentation-service', 'ai-orchestrator', 'archive-service']) {
      expect(markdown).toContain(
        `| ${service} | \`ghcr.io/example-org/alt-las-${service}\` | \`2.3.4\` \`2.3\` \`2\``,
      );
    }
    const sections = [
      'build-services (dry run)',
      'trivy-gate (dry run)',
      'publish-ghcr (dry run)',
      'k8s-deploy (dry run)',
      'post-deploy-verify',
    ];
    const positions = sections.map((heading) => markdown.indexOf(`## ${heading}`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // The deploy plan renders the production manifests for this version.
    expect(markdown).toContain('api-gateway: `ghcr.io/example-org/alt-las-api-gateway:2.3.4`');
  });
});
