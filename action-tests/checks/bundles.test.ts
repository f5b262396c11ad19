import { jest } from '@jest/globals';
import { ACTIONS } from '../harness/paths';
import { nodeBinary, runnerNode } from '../harness/node-binaries';
import { runAction } from '../harness/run-action';
import { parse } from 'yaml';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness/paths';

jest.setTimeout(120_000);

function node20(): string {
  const binary = nodeBinary(20);
  // Node 20 is the machine's own node here; a CI without it must not pass this check silently.
  if (!binary) throw new Error('Node 20 not found: set NODE20=/path/to/node20');
  return binary;
}

const requiredInputs = (action: string): string[] => {
  const metadata = parse(fs.readFileSync(path.join(repoRoot, 'actions', action, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { required?: boolean }>;
  };
  return Object.entries(metadata.inputs)
    .filter(([, input]) => input.required)
    .map(([name]) => name);
};

describe.each([
  ['Node 24', () => runnerNode()],
  ['Node 20', node20],
])('bundles start under %s', (_label, node) => {
  test.each(ACTIONS)('%s: a bad dry-run value names the input and the accepted values', async (action) => {
    const inputs: Record<string, string> = { 'dry-run': 'maybe' };
    for (const name of requiredInputs(action)) inputs[name] = 'placeholder';
    const run = await runAction(action, { inputs, node: node() });
    expect(run.stderr).not.toMatch(/SyntaxError|ERR_REQUIRE_ESM|Cannot find module/);
    expect(run.exitCode).toBe(1);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'input "dry-run": got "maybe", expected one of true, false',
      }),
    );
  });
});

describe.each(ACTIONS.filter((action) => requiredInputs(action).length > 0))('%s', (action) => {
  test.each(requiredInputs(action))(
    'missing required input %s fails with an error naming it',
    async (name) => {
      const run = await runAction(action, { inputs: { [name]: '' } });
      expect(run.exitCode).toBe(1);
      expect(run.annotations).toContainEqual(
        expect.objectContaining({ level: 'error', message: `Input required and not supplied: ${name}` }),
      );
    },
  );
});

test('every action declares at least one required input or none on purpose', () => {
  // publish-ghcr needs a release manifest and post-deploy-verify a URL; the others have usable defaults.
  expect(ACTIONS.filter((action) => requiredInputs(action).length > 0).sort()).toEqual([
    'post-deploy-verify',
    'publish-ghcr',
  ]);
});
