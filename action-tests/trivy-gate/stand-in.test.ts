import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTrivyReport } from '@alt-las/scan';
import { makeTempDir } from '../harness/paths';
import { buildTrivyTarball, StandInState } from '../harness/trivy';
import { REPORTS } from './scenario';
import { writeArchive, writeDockerArchive } from './helpers';

// The stand-in itself, run as the binary the release tarball ships, so the gate's tests rest on it.
let dir: string;
let trivy: string;
let state: StandInState;
beforeAll(() => {
  dir = makeTempDir('stand-in');
  const { name, bytes } = buildTrivyTarball('0.69.3');
  fs.writeFileSync(path.join(dir, name), bytes);
  execFileSync('tar', ['-xzf', path.join(dir, name), '-C', dir]);
  trivy = path.join(dir, 'trivy');
  state = new StandInState(path.join(dir, 'state')).configure({
    reports: REPORTS,
    rateLimitedRepositories: ['mirror.example/trivy-db:2'],
  });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) =>
  spawnSync(trivy, args, { encoding: 'utf8', env: { ...process.env, ...state.env }, cwd: dir });

test('the tarball holds an executable trivy that reports its version', () => {
  expect(fs.statSync(trivy).mode & 0o111).not.toBe(0);
  expect(run(['--version']).stdout).toBe('Version: 0.69.3\n');
});

test('DB download: rate limit, download, up to date, and --skip-db-update on a first run', () => {
  const cache = path.join(dir, 'cache');
  const limited = run([
    'image',
    '--download-db-only',
    '--db-repository',
    'mirror.example/trivy-db:2',
    '--cache-dir',
    cache,
  ]);
  expect(limited.status).toBe(1);
  expect(limited.stderr).toMatch(/FATAL.*TOOMANYREQUESTS/);
  const archive = writeDockerArchive(path.join(dir, 'first.tar'));
  const first = run(['image', '--skip-db-update', '--cache-dir', cache, '--input', archive]);
  expect(first.stderr).toContain('--skip-db-update cannot be specified on the first run');
  expect(
    run(['image', '--download-db-only', '--db-repository', 'ghcr.example/trivy-db:2', '--cache-dir', cache])
      .status,
  ).toBe(0);
  expect(
    run(['image', '--download-db-only', '--db-repository', 'ghcr.example/trivy-db:2', '--cache-dir', cache])
      .stderr,
  ).toContain('up to date');
  expect(state.dbDownloads().map((e) => e.repository)).toEqual(['ghcr.example/trivy-db:2']);
  const metadata = JSON.parse(fs.readFileSync(path.join(cache, 'db', 'metadata.json'), 'utf8'));
  expect(metadata).toMatchObject({
    Version: 2,
    DownloadedAt: expect.any(String),
    NextUpdate: expect.any(String),
  });
});

test('scans: Trivy JSON for the input, exit codes, and OCI tarballs refused like Trivy does', () => {
  const cache = path.join(dir, 'cache');
  const layout = path.join(dir, 'api-gateway');
  fs.mkdirSync(layout, { recursive: true });
  execFileSync('tar', ['-xf', writeArchive(path.join(dir, 'api-gateway.tar'), 'api-gateway'), '-C', layout]);
  const output = path.join(dir, 'report.json');
  const scan = run([
    'image',
    '--skip-db-update',
    '--cache-dir',
    cache,
    '--format',
    'json',
    '--output',
    output,
    '--exit-code',
    '3',
    '--input',
    layout,
  ]);
  expect(scan.status).toBe(3);
  const report = readTrivyReport(fs.readFileSync(output));
  expect(report.header).toMatchObject({
    SchemaVersion: 2,
    ArtifactName: layout,
    ArtifactType: 'container_image',
  });
  expect(report.findings.map((f) => f.id).sort()).toEqual([
    'CVE-2025-31001',
    'CVE-2025-31002',
    'CVE-2025-31003',
    'GHSA-aaaa-bbbb-cccc',
  ]);
  expect(report.findings[0]!.target).toBe(`${layout} (alpine 3.20.3)`);

  const missing = run([
    'image',
    '--skip-db-update',
    '--cache-dir',
    cache,
    '--scanners',
    'secret',
    '--input',
    layout.replace('api-gateway', 'ai-orchestrator'),
  ]);
  expect(missing.stderr).toContain('no such file or directory');

  const tarball = run([
    'image',
    '--skip-db-update',
    '--cache-dir',
    cache,
    '--input',
    path.join(dir, 'api-gateway.tar'),
  ]);
  expect(tarball.status).toBe(1);
  expect(tarball.stderr).toContain('file manifest.json not found in tar');
  const docker = run([
    'image',
    '--skip-db-update',
    '--cache-dir',
    cache,
    '--exit-code',
    '0',
    '--input',
    writeDockerArchive(path.join(dir, 'legacy.tar')),
  ]);
  expect(docker.status).toBe(0);
  expect(JSON.parse(docker.stdout)).toMatchObject({
    SchemaVersion: 2,
    ArtifactName: path.join(dir, 'legacy.tar'),
    Results: [],
  });
});
