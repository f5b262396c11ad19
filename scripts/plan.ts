// `npm run plan [-- --version v1.2.3] [--out FILE]`: the release plan for the ALT_LAS example.
// Runs the five bundled actions in dry-run through the runner harness, chaining the release manifest
// from one to the next, and composes their summaries into one plan (terminal and Markdown file).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readReleaseManifest } from '@alt-las/release-model';
import { runAction, type ActionRun } from '../action-tests/harness/run-action';
import { makeTempDir, repoRoot, type ActionName } from '../action-tests/harness/paths';

export interface PlanOptions {
  version: string;
  out: string;
  owner: string;
}

/** Installation values the production manifests take (the same names the workflow passes to k8s-deploy). */
export function exampleVars(options: PlanOptions, version: string): string {
  return [
    'IMAGE_REGISTRY=ghcr.io',
    `IMAGE_OWNER=${options.owner.toLowerCase()}`,
    `RELEASE_VERSION=${version}`,
    'API_HOST=api.alt-las.example.com',
    'MONITORING_HOST=grafana.alt-las.example.com',
    'ACME_EMAIL=platform@alt-las.example.com',
  ].join('\n');
}

function parseArgs(argv: string[]): PlanOptions {
  const value = (flag: string, fallback: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 && argv[index + 1] ? argv[index + 1]! : fallback;
  };
  return {
    version: value('--version', 'v1.0.0'),
    out: path.resolve(value('--out', path.join(repoRoot, '.plan', 'release-plan.md'))),
    owner: value('--owner', 'alt-las'),
  };
}

function gitSha(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return '0000000000000000000000000000000000000000';
  }
}

async function step(
  name: ActionName,
  inputs: Record<string, string>,
  env: Record<string, string>,
  runnerDir: string,
): Promise<ActionRun> {
  const run = await runAction(name, { inputs: { ...inputs, 'dry-run': 'true' }, env, runnerDir });
  if (run.exitCode !== 0) {
    const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    throw new Error(
      `${name} (dry run) failed: ${errors.join('; ') || run.stderr || run.stdout.slice(-2000)}`,
    );
  }
  return run;
}

export async function plan(options: PlanOptions): Promise<string> {
  const workDir = makeTempDir('release-plan');
  const tag = options.version.startsWith('v') ? options.version : `v${options.version}`;
  const env = {
    GITHUB_REF: `refs/tags/${tag}`,
    GITHUB_REF_NAME: tag,
    GITHUB_SHA: gitSha(),
    GITHUB_REPOSITORY: `${options.owner}/alt-las`,
    GITHUB_REPOSITORY_OWNER: options.owner,
  };
  try {
    const build = await step('build-services', { 'output-dir': workDir }, env, workDir);
    const manifestPath = build.outputs['release-manifest']!;
    const scan = await step(
      'trivy-gate',
      { 'release-manifest': manifestPath, 'sarif-dir': path.join(workDir, 'sarif') },
      env,
      workDir,
    );
    const publish = await step(
      'publish-ghcr',
      { 'release-manifest': scan.outputs['release-manifest'] ?? manifestPath },
      env,
      workDir,
    );
    const deployManifest = publish.outputs['release-manifest'] ?? manifestPath;
    const version = build.outputs.version!;
    const deploy = await step(
      'k8s-deploy',
      { 'release-manifest': deployManifest, vars: exampleVars(options, version) },
      env,
      workDir,
    );
    const verify = await step(
      'post-deploy-verify',
      { 'base-url': 'https://api.alt-las.example.com', 'checks-file': 'checks.yaml' },
      env,
      workDir,
    );
    const manifest = readReleaseManifest(deploy.outputs['release-manifest'] ?? deployManifest);
    const header = [
      `# ALT_LAS release plan: ${manifest.release.version}`,
      '',
      `Git ref \`${env.GITHUB_REF}\` at \`${env.GITHUB_SHA.slice(0, 12)}\`. Every step below ran in dry-run: nothing was built, pushed or applied.`,
      '',
      '| Service | Image | Tags |',
      '| --- | --- | --- |',
      ...manifest.services.map(
        (s) => `| ${s.name} | \`${s.image}\` | ${manifest.release.tags.map((t) => `\`${t}\``).join(' ')} |`,
      ),
      '',
    ].join('\n');
    const sections = [build, scan, publish, deploy, verify].map((run) => run.summary.trim()).join('\n\n');
    const markdown = `${header}\n${sections}\n`;
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, markdown);
    return markdown;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(repoRoot, 'scripts', 'plan.ts')) {
  const options = parseArgs(process.argv.slice(2));
  plan(options)
    .then((markdown) => {
      console.log(markdown);
      console.log(`Release plan written to ${path.relative(process.cwd(), options.out) || options.out}`);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}
