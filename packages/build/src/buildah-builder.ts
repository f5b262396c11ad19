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
 * buildah without a daemon: `bud` into a storage root private to this run (vfs driver, chroot
 * isolation, so it works as root in a container and needs no overlay support), then `push` to an
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

  async describe(run: CommandRunner): Promise<string> {
    const result = await run(this.program, ['--version']);
    return result.stdout.trim() || 'buildah';
  }

  async buildStage(spec: BuildSpec & { target: string }, run: CommandRunner) {
    const result = await run(this.program, [...this.budArgs(spec), spec.context]);
    return { ok: result.exitCode === 0, output: outputOf([result]) };
  }

  async buildImage(spec: ImageSpec, run: CommandRunner) {
    const bud = await run(this.program, [
      ...this.budArgs(spec),
      ...pairs('--label', spec.labels),
      '--tag',
      spec.tag,
      spec.context,
    ]);
    if (bud.exitCode !== 0) return { ok: false, output: outputOf([bud]) };
    const push = await run(this.program, [
      ...this.global(spec.service),
      'push',
      spec.tag,
      `oci-archive:${spec.archive}:${spec.refName}`,
    ]);
    return { ok: push.exitCode === 0, output: outputOf([bud, push]) };
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
