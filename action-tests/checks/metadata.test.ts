import * as fs from 'node:fs';
import * as path from 'node:path';
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parseAction } from '@actions/workflow-parser/actions/action-parser';
import { parse } from 'yaml';
import { ACTIONS, repoRoot } from '../harness/paths';
import { expectedReadme } from '../../scripts/readme-tables';

const read = (file: string) => fs.readFileSync(file, 'utf8');
const workflowDir = path.join(repoRoot, '.github', 'workflows');
const workflows = fs.existsSync(workflowDir)
  ? fs.readdirSync(workflowDir).filter((file) => /\.ya?ml$/.test(file))
  : [];

describe.each(ACTIONS)('%s metadata', (action) => {
  const file = path.join(repoRoot, 'actions', action, 'action.yml');

  test("passes GitHub's action parser", () => {
    const result = parseAction({ name: file, content: read(file) }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().map((error) => error.message)).toEqual([]);
  });

  test('runs the committed bundle on Node 24', () => {
    const runs = (parse(read(file)) as { runs: { using: string; main: string; post?: string } }).runs;
    expect(runs.using).toBe('node24');
    expect(runs.main).toBe(`../../dist/${action}/index.js`);
    expect(fs.existsSync(path.resolve(path.dirname(file), runs.main))).toBe(true);
    if (runs.post) expect(runs.post).toBe(runs.main);
  });

  test('README tables match action.yml (`npm run docs` regenerates them)', async () => {
    const { actual, expected } = await expectedReadme(action);
    expect(actual).toBe(expected);
  });

  test('every input has a description and dry-run is offered', () => {
    const inputs = (parse(read(file)) as { inputs: Record<string, { description?: string }> }).inputs;
    for (const [name, input] of Object.entries(inputs))
      expect([name, input.description?.length ?? 0]).not.toEqual([name, 0]);
    expect(inputs['dry-run']).toBeDefined();
  });
});

test('the repository has its workflows', () => {
  expect(workflows).toEqual(expect.arrayContaining(['ci.yml', 'production-ci-cd.yaml']));
});

describe.each(workflows)('workflow %s', (name) => {
  test("passes GitHub's workflow parser", () => {
    const result = parseWorkflow(
      { name, content: read(path.join(workflowDir, name)) },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((error) => error.message)).toEqual([]);
  });
});
