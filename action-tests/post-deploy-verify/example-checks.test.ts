import * as path from 'node:path';
import { loadChecksFile, type HealthSettings, type SmokeRequest } from '@alt-las/verify';
import { repoRoot } from '../harness/paths';

test('the ALT_LAS checks file covers every service and routes a smoke request to each backend', () => {
  const plan = loadChecksFile(path.join(repoRoot, 'checks.yaml'));
  expect((plan.health as HealthSettings).endpoints.map((endpoint) => endpoint.service)).toEqual([
    'api-gateway',
    'segmentation-service',
    'ai-orchestrator',
    'archive-service',
  ]);
  const routed = new Set((plan.smoke as SmokeRequest[]).map((request) => request.service));
  expect([...routed].sort()).toEqual(['ai-orchestrator', 'archive-service', 'segmentation-service']);
  expect(plan.security).not.toBe(false);
  expect(plan.cluster).toEqual({ defaultDeny: true, networkPolicies: true, nonRoot: true });
});
