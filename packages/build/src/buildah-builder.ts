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

/** A Dockerfile string literal: inside double quotes only backslash, `"` and `$` are special. */
const quoted = (text: string) => `"${text.replace(/[\\"$]/g, '\\$&')}"`;

/** `LABEL "k"="v" ...` for every label, in a stable order; empty when there are none. */
export function labelInstruction(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return `LABEL ${keys.map((key) => `${quoted(key)}=${quoted(labels[key]!)}`).join(' ')}\n`;
}

/**
 * buildah without a daemon: `bud` into a storage root private to this run (vfs driver, chroot
 * isolation, so it works as root in a container and needs no overlay support), committing to an
 * `oci-archive:`. Each service gets its own storage directory so parallel builds never wait on
 * one another's storage lock; a service's storage is removed as soon as it is done.
 */
export class BuildahBuilder implements ImageBuilder {
  readonly name = 'buildah';

  constructor(
    private readonly storageRoot: string,
    private readonly program = 'buildah',
  ) {}

  private global(service: string): string[] {
    const root = path.join(this.storageRoot, service);
    return [
      '--root',
      path.join(root, 'storage'),
      '--runroot',
      path.join(root, 'run'),
      '--storage-driver',
      'vfs',
    ];
  }

  budArgs(spec: BuildSpec): string[] {
    return [
      ...this.global(spec.service),
      'bud',
      '--isolation',
      'chroot',
      // With vfs every committed step is a full copy of the rootfs; one commit per build is far faster.
      '--layers=false',
      '--file',
      spec.dockerfile,
      ...pairs('--build-arg', spec.buildArgs),
      ...pairs('--build-context', spec.buildContexts),
      ...(spec.target ? ['--target', spec.target] : []),
    ];
  }

  async buildStage(spec: BuildSpec & { target: string }, run: CommandRunner) {
    const result = await run(this.program, [...this.budArgs(spec), spec.context]);
    return { ok: result.exitCode === 0, output: outputOf([result]) };
  }

  /**
   * One `bud` that commits straight to the `oci-archive:` (no local image, no separate push). The
   * labels come as one LABEL instruction in a second Dockerfile, which buildah appends to the last
   * stage: `--label` adds a build step per label, and every step costs buildah a process.
   */
  async buildImage(spec: ImageSpec, run: CommandRunner) {
    const labels = labelInstruction(spec.labels);
    const labelsFile = path.join(this.storageRoot, spec.service, 'labels.Dockerfile');
    if (labels !== '') {
      fs.mkdirSync(path.dirname(labelsFile), { recursive: true });
      fs.writeFileSync(labelsFile, labels);
    }
    const bud = await run(this.program, [
      ...this.budArgs(spec),
      ...(labels !== '' ? ['--file', labelsFile] : []),
      // buildah leaves layers uncompressed by default; registries and pulls expect gzip.
      '--disable-compression=false',
      '--tag',
      `oci-archive:${spec.archive}:${spec.refName}`,
      spec.context,
    ]);
    return { ok: bud.exitCode === 0, output: outputOf([bud]) };
  }

  async releaseService(service: string, run: CommandRunner): Promise<void> {
    await this.remove(path.join(this.storageRoot, service), run);
  }

  async cleanup(run: CommandRunner): Promise<void> {
    await this.remove(this.storageRoot, run);
  }

  private async remove(dir: string, run: CommandRunner): Promise<void> {
    // Rootless storage holds files owned by sub-UIDs that only the user namespace can delete.
    if (process.getuid?.() !== 0 && fs.existsSync(dir)) {
      await run(this.program, ['unshare', 'rm', '-rf', dir]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
