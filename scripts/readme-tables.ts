// Writes the Inputs and Outputs tables of each actions/<name>/README.md from its action.yml, between
// `<!-- inputs:start -->`/`<!-- inputs:end -->` and `<!-- outputs:start -->`/`<!-- outputs:end -->`.
// `npm run docs` rewrites them; a test fails when a README is out of date.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';
import { parse } from 'yaml';
import { ACTIONS, repoRoot } from '../action-tests/harness/paths';

interface ActionMetadata {
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
}

const cell = (text: string) => text.trim().replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const code = (text: string) => (text === '' ? '' : `\`${text.trim().replace(/\r?\n/g, '` `')}\``);

export function renderTables(actionYaml: string): { inputs: string; outputs: string } {
  const metadata = parse(actionYaml) as ActionMetadata;
  const inputs = [
    '| Input | Description | Required | Default |',
    '| --- | --- | --- | --- |',
    ...Object.entries(metadata.inputs ?? {}).map(
      ([name, input]) =>
        `| \`${name}\` | ${cell(input.description ?? '')} | ${input.required ? 'yes' : 'no'} | ${code(String(input.default ?? ''))} |`,
    ),
  ].join('\n');
  const outputs = [
    '| Output | Description |',
    '| --- | --- |',
    ...Object.entries(metadata.outputs ?? {}).map(
      ([name, output]) => `| \`${name}\` | ${cell(output.description ?? '')} |`,
    ),
  ].join('\n');
  return { inputs, outputs };
}

function replaceBetween(text: string, marker: string, body: string, file: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file}: missing ${start} ... ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** The README as it should be: its own prose with tables generated from action.yml, formatted by prettier. */
export async function expectedReadme(
  action: string,
): Promise<{ file: string; actual: string; expected: string }> {
  const dir = path.join(repoRoot, 'actions', action);
  const file = path.join(dir, 'README.md');
  const actual = fs.readFileSync(file, 'utf8');
  const tables = renderTables(fs.readFileSync(path.join(dir, 'action.yml'), 'utf8'));
  const generated = replaceBetween(
    replaceBetween(actual, 'inputs', tables.inputs, file),
    'outputs',
    tables.outputs,
    file,
  );
  const options = await prettier.resolveConfig(file);
  const expected = await prettier.format(generated, { ...options, filepath: file });
  return { file, actual, expected };
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === path.resolve(repoRoot, 'scripts', 'readme-tables.ts')
) {
  for (const action of ACTIONS) {
    const { file, actual, expected } = await expectedReadme(action);
    if (actual !== expected) {
      fs.writeFileSync(file, expected);
      console.log(`updated ${path.relative(repoRoot, file)}`);
    }
  }
}
