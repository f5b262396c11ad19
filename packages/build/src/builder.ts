import type { ExecResult } from '@alt-las/action-kit';

/** What one image build needs; every path is absolute. */
export interface BuildSpec {
  service: string;
  context: string;
  dockerfile: string;
  buildArgs: Record<string, string>;
  /** Named build contexts (`COPY --from=<name>`): name -> directory. */
  buildContexts: Record<string, string>;
  /** Stage to stop at; the last stage when undefined. */
  target?: string;
}

export interface ImageSpec extends BuildSpec {
  /** Local image name, `<repository>:<version>`. */
  tag: string;
  /** Tag recorded in the archive's index.json (`org.opencontainers.image.ref.name`). */
  refName: string;
  labels: Record<string, string>;
  /** Where the OCI archive is written. */
  archive: string;
}

/** The output of a builder command, for the service's log and for failure diagnosis. */
export interface BuildOutcome {
  ok: boolean;
  /** Combined output of the commands that ran, in order. */
  output: string;
  /** The manifest digest the builder reported, when it reports one (docker's metadata file). */
  reportedDigest?: string;
}

/** Runs a builder command; the caller decides what to log. */
export type CommandRunner = (command: string, args: string[]) => Promise<ExecResult>;

/** An image builder (buildah or docker buildx) behind one interface, so services build the same way. */
export interface ImageBuilder {
  readonly name: 'buildah' | 'docker';
  /** Builds a stage without keeping an image: the service's Dockerfile test stage. */
  buildStage(spec: BuildSpec & { target: string }, run: CommandRunner): Promise<BuildOutcome>;
  /** Builds the image and writes it as an OCI archive to `spec.archive`. */
  buildImage(spec: ImageSpec, run: CommandRunner): Promise<BuildOutcome>;
  /** Frees what one service's builds kept, as soon as that service is done. */
  releaseService?(service: string, run: CommandRunner): Promise<void>;
  /** Removes what the builder kept for this run (storage, builder instances). */
  cleanup(run: CommandRunner): Promise<void>;
}

/** `--flag name=value` pairs in a stable order, so recorded command lines compare equal. */
export function pairs(flag: string, values: Record<string, string>): string[] {
  return Object.keys(values)
    .sort()
    .flatMap((key) => [flag, `${key}=${values[key]}`]);
}

export function outputOf(results: ExecResult[]): string {
  return results
    .map((result) => [result.stdout, result.stderr].filter((text) => text.trim() !== '').join('\n'))
    .filter((text) => text !== '')
    .join('\n');
}
