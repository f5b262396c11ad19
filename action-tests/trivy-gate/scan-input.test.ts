import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { actionsExecRunner } from '@alt-las/action-kit';
import { scanInput, ScannerError } from '@alt-las/scan';
import { makeTempDir } from '../harness/paths';
import { writeArchive, writeDockerArchive } from './helpers';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('scan-input');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('an OCI layout tarball is unpacked into a directory Trivy can read, and removed on dispose', async () => {
  const archive = writeArchive(path.join(dir, 'api.tar'), 'api');
  const input = await scanInput(archive, path.join(dir, 'layout'), actionsExecRunner);
  expect(input.path).toBe(path.join(dir, 'layout'));
  expect(fs.readdirSync(input.path).sort()).toEqual(['index.json', 'oci-layout']);
  input.dispose();
  expect(fs.existsSync(input.path)).toBe(false);
});

test('a docker-archive tarball is passed as it is', async () => {
  const archive = writeDockerArchive(path.join(dir, 'legacy.tar'));
  const input = await scanInput(archive, path.join(dir, 'layout'), actionsExecRunner);
  expect(input.path).toBe(archive);
  expect(fs.existsSync(path.join(dir, 'layout'))).toBe(false);
});

test.each([
  ['not a tar', (file: string) => fs.writeFileSync(file, 'x'.repeat(1024)), /is not a readable tar archive/],
  [
    'a tar of something else',
    (file: string) => {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
      execFileSync('tar', ['-cf', file, '-C', dir, 'notes.txt']);
    },
    /is neither an OCI image layout nor a docker-archive tarball/,
  ],
])('%s is a scanner error naming the file', async (_name, make, message) => {
  const file = path.join(dir, 'image.tar');
  make(file);
  const attempt = scanInput(file, path.join(dir, 'layout'), actionsExecRunner);
  await expect(attempt).rejects.toThrow(ScannerError);
  await expect(attempt).rejects.toThrow(message);
});
