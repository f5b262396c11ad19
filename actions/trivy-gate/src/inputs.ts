import * as path from 'node:path';
import {
  ConfigurationError,
  environmentInputs,
  InputReader,
  runnerTempDir,
  type InputSource,
} from '@alt-las/action-kit';
import { SEVERITIES, type Severity } from '@alt-las/scan';

export interface TrivyGateInputs {
  releaseManifest?: string;
  images: string[];
  failOnSeverity: Severity;
  ignoreUnfixed: boolean;
  ignoreFile: string;
  /** False when the default file name is used: then a missing file simply means no ignores. */
  ignoreFileRequired: boolean;
  vex: string[];
  scanners: string[];
  trivyVersion: string;
  trivySha256?: string;
  trivyDownloadUrl: string;
  dbRepositories: string[];
  cacheDb: boolean;
  maxDbAgeMs: number;
  baseline?: string;
  failOn: 'all' | 'new';
  sarifDir: string;
  uploadSarif: boolean;
  githubToken?: string;
  dryRun: boolean;
}

const DEFAULT_IGNORE_FILE = '.trivyignore.yaml';
const SCANNERS = ['vuln', 'secret', 'misconfig', 'license'];

export function readInputs(source: InputSource = environmentInputs()): TrivyGateInputs {
  const reader = new InputReader(source);
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const resolve = (value: string) => path.resolve(workspace, value);
  // Read first: a mistyped dry-run must never let anything else run.
  const dryRun = reader.boolean('dry-run', { default: false });

  const releaseManifest = reader.optionalString('release-manifest');
  const images = reader.lines('images');
  if (releaseManifest && images.length > 0)
    throw new ConfigurationError(
      'inputs "release-manifest" and "images": give one of them, not both',
      'images',
    );
  if (!releaseManifest && images.length === 0)
    throw new ConfigurationError(
      'inputs "release-manifest" and "images" are both empty; give the release manifest from build-services or a list of images',
      'release-manifest',
    );

  const scanners = reader.list('scanners', { default: ['vuln', 'secret'] });
  const unknownScanner = scanners.find((scanner) => !SCANNERS.includes(scanner));
  if (unknownScanner || scanners.length === 0)
    throw new ConfigurationError(
      `input "scanners": got "${scanners.join(',')}", expected a comma-separated list of ${SCANNERS.join(', ')}`,
      'scanners',
    );

  const ignoreFileInput = reader.string('ignore-file', { default: DEFAULT_IGNORE_FILE });
  const trivyDownloadUrl = reader.string('trivy-download-url', {
    default: 'https://github.com/aquasecurity/trivy/releases/download',
    pattern: /^https?:\/\/[^\s/]+(\/\S*)?$/,
    describe: 'an http(s) URL of a Trivy release mirror',
  });
  const baseline = reader.optionalString('baseline');
  const failOn = reader.enum('fail-on', ['all', 'new'] as const, { default: 'all' });
  if (failOn === 'new' && !baseline)
    throw new ConfigurationError(
      'input "fail-on": "new" needs input "baseline" (the previous release\'s reports)',
      'fail-on',
    );
  const uploadSarif = reader.boolean('upload-sarif', { default: false });
  const githubToken = reader.optionalString('github-token');
  if (uploadSarif && !githubToken)
    throw new ConfigurationError('input "upload-sarif" is true but "github-token" is empty', 'github-token');
  const dbRepositories = reader.list('db-repository', {
    default: ['mirror.gcr.io/aquasec/trivy-db:2', 'ghcr.io/aquasecurity/trivy-db:2'],
  });
  const badRepository = dbRepositories.find(
    (repository) => !/^[a-z0-9.-]+(:\d+)?\/[\w./-]+(:[\w.-]+)?$/i.test(repository),
  );
  if (badRepository)
    throw new ConfigurationError(
      `input "db-repository": got "${badRepository}", expected OCI repositories such as ghcr.io/aquasecurity/trivy-db:2, comma or newline separated`,
      'db-repository',
    );
  const sarifDir = reader.string('sarif-dir');

  return {
    releaseManifest: releaseManifest ? resolve(releaseManifest) : undefined,
    images,
    failOnSeverity: reader.enum('fail-on-severity', SEVERITIES, { default: 'HIGH' }),
    ignoreUnfixed: reader.boolean('ignore-unfixed', { default: true }),
    ignoreFile: resolve(ignoreFileInput),
    ignoreFileRequired: ignoreFileInput !== DEFAULT_IGNORE_FILE,
    vex: reader.lines('vex').map(resolve),
    scanners,
    trivyVersion: reader.string('trivy-version', {
      default: '0.69.3',
      pattern: /^\d+\.\d+\.\d+$/,
      describe: 'a Trivy release version such as 0.69.3 (without a leading v)',
    }),
    trivySha256:
      reader
        .string('trivy-sha256', { pattern: /^[0-9a-fA-F]{64}$/, describe: 'a sha256 digest (64 hex digits)' })
        .toLowerCase() || undefined,
    trivyDownloadUrl,
    dbRepositories,
    cacheDb: reader.boolean('cache-db', { default: true }),
    maxDbAgeMs: reader.duration('max-db-age', { default: '48h' }),
    baseline: baseline ? resolve(baseline) : undefined,
    failOn,
    sarifDir: sarifDir ? resolve(sarifDir) : runnerTempDir('trivy-gate-sarif'),
    uploadSarif,
    githubToken,
    dryRun,
  };
}
