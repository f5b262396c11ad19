import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  pairs,
  outputOf,
  type BuildSpec,
  type CommandRunner,
  type ImageBuilder,
  type ImageSpec,
} from './builder';

/**
 * Name of the builder instance created when the current one cannot export OCI archives; unique per
 * run, so runs sharing a self-hosted machine (or one that crashed before removing its builder) never
 * collide.
 */
export const dockerBuilderName = (id: string = `${process.pid}-${Date.now().toString(36)}`) =>
  `alt-las-build-${id}`;

export interface DockerBuilderOptions {
  /** Directory for buildx metadata files. */
  workDir: string;
  /** The runner's environment: decides whether the GitHub Actions cache is used. */
  env?: NodeJS.ProcessEnv;
  program?: string;
  /** Suffix of the builder instance name; unique per run by default. */
  builderId?: string;
}

/** buildx writes this JSON with `--metadata-file`; only the fields the action reads. */
export interface BuildxMetadata {
  'containerimage.digest'?: string;
  'containerimage.descriptor'?: { mediaType?: string; digest?: string; size?: number };
  'containerimage.config.digest'?: string;
}

/** Reads buildx's metadata file; the image manifest digest it reports, or undefined. */
export function parseBuildxMetadata(text: string): string | undefined {
  let metadata: BuildxMetadata;
  try {
    metadata = JSON.parse(text) as BuildxMetadata;
  } catch {
    return undefined;
  }
  const digest = metadata['containerimage.descriptor']?.digest ?? metadata['containerimage.digest'];
  return typeof digest === 'string' && /^sha256:[a-f0-9]{64}$/.test(digest) ? digest : undefined;
}

/**
 * Docker buildx. The `docker` driver (the default builder on GitHub's runners) cannot export OCI
 * archives or use the `gha` cache, so when the current builder uses it a `docker-container`
 * builder is created for this run and removed afterwards. Provenance and SBOM attestations are
 * off: they would turn the archive into an index, and the image must be one manifest whose
 * digest survives the push unchanged.
 */
export class DockerBuilder implements ImageBuilder {
  readonly name = 'docker';
  private builder: string | undefined;
  private created = false;
  readonly builderName: string;
  private readonly program: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: DockerBuilderOptions) {
    this.program = options.program ?? 'docker';
    this.env = options.env ?? process.env;
    this.builderName = dockerBuilderName(options.builderId);
  }

  /**
   * `type=gha` needs the runner's cache service URL and token, which the runner gives JavaScript
   * actions (ACTIONS_RESULTS_URL is the newer cache service; buildx reads whichever is set).
   */
  cacheArgs(service: string): string[] {
    const url = this.env.ACTIONS_CACHE_URL || this.env.ACTIONS_RESULTS_URL;
    if (!url || !this.env.ACTIONS_RUNTIME_TOKEN) return [];
    const scope = `alt-las-${service}`;
    return ['--cache-from', `type=gha,scope=${scope}`, '--cache-to', `type=gha,mode=max,scope=${scope}`];
  }

  private async ensureBuilder(run: CommandRunner): Promise<string[]> {
    if (this.builder === undefined) {
      const inspect = await run(this.program, ['buildx', 'inspect']);
      const driver = /^Driver:\s*(\S+)/m.exec(inspect.stdout)?.[1];
      if (inspect.exitCode === 0 && driver && driver !== 'docker') {
        this.builder = '';
      } else {
        const create = await run(this.program, [
          'buildx',
          'create',
          '--name',
          this.builderName,
          '--driver',
          'docker-container',
        ]);
        if (create.exitCode !== 0) throw new Error(`docker buildx create failed: ${outputOf([create])}`);
        this.builder = this.builderName;
        this.created = true;
      }
    }
    return this.builder ? ['--builder', this.builder] : [];
  }

  buildArgs(spec: BuildSpec): string[] {
    return [
      '--file',
      spec.dockerfile,
      ...pairs('--build-arg', spec.buildArgs),
      ...pairs('--build-context', spec.buildContexts),
      ...(spec.target ? ['--target', spec.target] : []),
      ...this.cacheArgs(spec.service),
      '--progress',
      'plain',
    ];
  }

  async buildStage(spec: BuildSpec & { target: string }, run: CommandRunner) {
    const builder = await this.ensureBuilder(run);
    const result = await run(this.program, [
      'buildx',
      'build',
      ...builder,
      ...this.buildArgs(spec),
      '--output',
      'type=cacheonly',
      spec.context,
    ]);
    return { ok: result.exitCode === 0, output: outputOf([result]) };
  }

  async buildImage(spec: ImageSpec, run: CommandRunner) {
    const builder = await this.ensureBuilder(run);
    fs.mkdirSync(this.options.workDir, { recursive: true });
    const metadataFile = path.join(this.options.workDir, `${spec.service}.metadata.json`);
    fs.rmSync(metadataFile, { force: true });
    const result = await run(this.program, [
      'buildx',
      'build',
      ...builder,
      ...this.buildArgs(spec),
      ...pairs('--label', spec.labels),
      '--tag',
      spec.tag,
      '--provenance=false',
      '--sbom=false',
      '--output',
      // The oci exporter records the tag of `name` as the index's ref.name.
      `type=oci,dest=${spec.archive},name=${spec.tag},oci-mediatypes=true`,
      '--metadata-file',
      metadataFile,
      spec.context,
    ]);
    const metadata = fs.existsSync(metadataFile) ? fs.readFileSync(metadataFile, 'utf8') : '';
    fs.rmSync(metadataFile, { force: true });
    return {
      ok: result.exitCode === 0,
      output: outputOf([result]),
      reportedDigest: parseBuildxMetadata(metadata),
    };
  }

  async cleanup(run: CommandRunner): Promise<void> {
    if (this.created) await run(this.program, ['buildx', 'rm', this.builderName]);
    this.created = false;
    this.builder = undefined;
  }
}
