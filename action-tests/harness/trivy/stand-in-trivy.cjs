#!/usr/bin/env node
/* global require */
// A standalone executable (no package.json beside it in the tool cache), so CommonJS.
/* eslint-disable @typescript-eslint/no-require-imports */
// A stand-in for the `trivy` binary, shipped in a release tarball by the test release server.
// It behaves like Trivy where the gate depends on it: the flags it is given, the DB download step
// (with its cache directory and metadata.json), rate-limit errors, exit codes, and JSON reports
// (SchemaVersion 2). What it reports and which failures it injects come from
// $ALT_LAS_TRIVY_STATE/config.json; every DB download and scan is appended to events.log there.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const stateDir = process.env.ALT_LAS_TRIVY_STATE;
const config = stateDir ? JSON.parse(fs.readFileSync(path.join(stateDir, 'config.json'), 'utf8')) : {};
const version = config.version || '0.0.0';

function log(level, message) {
  process.stderr.write(`${new Date().toISOString()}\t${level}\t${message}\n`);
}

function fatal(message) {
  log('FATAL', `Fatal error\t${message}`);
  process.exit(1);
}

function record(event) {
  if (stateDir) fs.appendFileSync(path.join(stateDir, 'events.log'), `${JSON.stringify(event)}\n`);
}

function parseArgs(argv) {
  const flags = {};
  const positional = [];
  const booleans = new Set([
    '--download-db-only',
    '--skip-db-update',
    '--no-progress',
    '--quiet',
    '--ignore-unfixed',
    '--version',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.split('=', 2);
      if (booleans.has(name)) flags[name] = true;
      else flags[name] = inline !== undefined ? inline : argv[++i];
    } else positional.push(arg);
  }
  return { flags, positional };
}

const metadataFile = (cacheDir) => path.join(cacheDir, 'db', 'metadata.json');

function readMetadata(cacheDir) {
  try {
    return JSON.parse(fs.readFileSync(metadataFile(cacheDir), 'utf8'));
  } catch {
    return undefined;
  }
}

function downloadDb(repository, cacheDir) {
  const failure = (config.failingRepositories || {})[repository];
  if ((config.rateLimitedRepositories || []).includes(repository)) {
    fatal(
      `init error: DB error: failed to download vulnerability DB: OCI artifact error: failed to download artifact from ${repository}: ` +
        `GET https://${repository.split('/')[0]}/v2/${repository.split('/').slice(1).join('/').split(':')[0]}/manifests/2: ` +
        'TOOMANYREQUESTS: retry-after: 1.5s, allowed: 44000/minute',
    );
  }
  if (failure) fatal(`init error: DB error: failed to download vulnerability DB: ${failure}`);
  log('INFO', `Downloading vulnerability DB... repository="${repository}"`);
  const now = Date.now();
  fs.mkdirSync(path.join(cacheDir, 'db'), { recursive: true });
  fs.writeFileSync(path.join(cacheDir, 'db', 'trivy.db'), `stand-in vulnerability DB from ${repository}\n`);
  fs.writeFileSync(
    metadataFile(cacheDir),
    JSON.stringify({
      Version: 2,
      NextUpdate: new Date(now + 6 * 3600_000).toISOString(),
      UpdatedAt: new Date(now - 3600_000).toISOString(),
      DownloadedAt: new Date(now).toISOString(),
    }),
  );
  record({ event: 'db-download', repository, cacheDir });
}

/** Like Trivy: download when there is no DB or its NextUpdate has passed, unless told to skip. */
function ensureDb(flags) {
  const cacheDir = flags['--cache-dir'] || path.join(process.env.HOME || '/tmp', '.cache', 'trivy');
  const repository = flags['--db-repository'] || 'mirror.gcr.io/aquasec/trivy-db:2';
  const metadata = readMetadata(cacheDir);
  if (flags['--skip-db-update']) {
    if (!metadata) fatal('init error: --skip-db-update cannot be specified on the first run');
    return;
  }
  if (metadata && new Date(metadata.NextUpdate).getTime() > Date.now()) {
    log('INFO', 'Vulnerability DB is up to date; skipping the download');
    return;
  }
  downloadDb(repository, cacheDir);
}

/** Like Trivy: a docker-archive tarball or an OCI layout directory; an OCI layout tarball is refused. */
function checkInput(input) {
  if (!fs.existsSync(input)) fatal(`unable to open ${input}: no such file or directory`);
  if (fs.statSync(input).isDirectory()) {
    if (!fs.existsSync(path.join(input, 'index.json')) || !fs.existsSync(path.join(input, 'oci-layout'))) {
      fatal(`image scan error: unable to open ${input} as an OCI Image: index.json or oci-layout missing`);
    }
    return;
  }
  const names = execFileSync('tar', ['-tf', input], { encoding: 'utf8' })
    .split('\n')
    .map((n) => n.replace(/^\.\//, ''));
  if (!names.includes('manifest.json')) {
    fatal(
      'image scan error: scan error: unable to initialize a scanner: unable to initialize the archive scanner: 2 errors occurred:\n' +
        `\t* unable to open ${input} as a Docker image: file manifest.json not found in tar\n` +
        `\t* unable to open ${input} as an OCI Image: stat ${input}/index.json: not a directory`,
    );
  }
}

function scan(flags, positional) {
  const scanners = (flags['--scanners'] || 'vuln,secret').split(',');
  const input = flags['--input'];
  const reference = positional[0];
  if (!input && !reference) fatal('image name or --input is required');
  if (input) checkInput(input);
  if (scanners.includes('vuln')) ensureDb(flags);
  const key = input ? path.basename(input).replace(/\.(tar|tar\.gz|tgz|oci)$/, '') : reference;
  record({
    event: 'scan',
    key,
    args: process.argv.slice(2),
    inputIsDirectory: !!input && fs.statSync(input).isDirectory(),
  });
  const failure = (config.scanFailures || {})[key];
  if (failure) fatal(`image scan error: scan error: ${failure}`);
  const template = (config.reports || {})[key] || config.defaultReport || { Results: [] };
  const results = (template.Results || [])
    .map((result) => {
      const copy = { ...result };
      if (!scanners.includes('vuln')) delete copy.Vulnerabilities;
      if (!scanners.includes('secret')) delete copy.Secrets;
      return copy;
    })
    .filter((result) => result.Vulnerabilities || result.Secrets || result.Class === 'os-pkgs');
  const report = {
    SchemaVersion: 2,
    Trivy: { Version: version },
    ReportID: `stand-in-${Date.now()}`,
    CreatedAt: new Date().toISOString(),
    ArtifactName: input || reference,
    ArtifactType: 'container_image',
    Metadata: template.Metadata || {},
    Results: results.map((result) =>
      result.Class === 'os-pkgs' ? { ...result, Target: `${input || reference} (${result.Target})` } : result,
    ),
  };
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (flags['--output']) fs.writeFileSync(flags['--output'], text);
  else process.stdout.write(text);
  const found = results.some(
    (result) => (result.Vulnerabilities || []).length + (result.Secrets || []).length > 0,
  );
  process.exit(found ? Number(flags['--exit-code'] || 0) : 0);
}

const { flags, positional } = parseArgs(process.argv.slice(2));
if (flags['--version'] || positional[0] === 'version') {
  process.stdout.write(`Version: ${version}\n`);
  process.exit(0);
}
if (positional[0] !== 'image') fatal(`unknown command "${positional[0] || ''}" for "trivy"`);
if (flags['--format'] && flags['--format'] !== 'json') fatal('the stand-in writes only --format json');
if (flags['--download-db-only']) {
  const cacheDir = flags['--cache-dir'] || path.join(process.env.HOME || '/tmp', '.cache', 'trivy');
  ensureDb({ ...flags, '--cache-dir': cacheDir });
  process.exit(0);
}
scan(flags, positional.slice(1));
