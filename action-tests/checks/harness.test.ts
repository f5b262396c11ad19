import { jest } from '@jest/globals';
import * as fs from 'node:fs';
import { parseAnnotations, parseFileCommands } from '../harness/workflow-commands';
import { runAction } from '../harness/run-action';
import { makeTempDir } from '../harness/paths';

jest.setTimeout(60_000);

test('file commands: plain and heredoc forms', () => {
  expect(parseFileCommands('a=1\nb<<EOF_1\nline one\nline=two\nEOF_1\nc=x=y\n')).toEqual({
    a: '1',
    b: 'line one\nline=two',
    c: 'x=y',
  });
  expect(() => parseFileCommands('b<<EOF\nno end\n')).toThrow('unterminated heredoc');
});

test('annotations: properties and escaped data are decoded', () => {
  expect(
    parseAnnotations('noise\n::error file=Dockerfile,line=3,title=a%2Cb::first%0Asecond\n::notice::fine'),
  ).toEqual([
    { level: 'error', message: 'first\nsecond', properties: { file: 'Dockerfile', line: '3', title: 'a,b' } },
    { level: 'notice', message: 'fine', properties: {} },
  ]);
});

test('an input with a newline and name=value cannot forge an output or an env entry', async () => {
  const base = makeTempDir('forgery');
  try {
    const sneaky = `${base}/out\nversion=forged\nGITHUB_TOKEN=forged`;
    const run = await runAction('build-services', { inputs: { 'dry-run': 'true', 'output-dir': sneaky } });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.version).toBe('1.0.0');
    expect(run.outputs['release-manifest']).toBe(`${sneaky}/release-manifest.json`);
    expect(Object.keys(run.outputs).sort()).toEqual(['images', 'matrix', 'release-manifest', 'version']);
    expect(run.env).toEqual({});
    expect(fs.existsSync(`${sneaky}/release-manifest.json`)).toBe(true);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
