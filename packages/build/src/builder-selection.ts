import { ConfigurationError, type Exec } from '@alt-las/action-kit';
import { BuildahBuilder } from './buildah-builder';
import { DockerBuilder } from './docker-builder';
import type { ImageBuilder } from './builder';

export type BuilderChoice = 'auto' | 'buildah' | 'docker';

export interface BuilderEnvironment {
  exec: Exec;
  /** Private directory for this run (buildah storage, docker metadata). */
  workDir: string;
  env?: NodeJS.ProcessEnv;
}

/** What the command printed when it ran cleanly, else the first line of what went wrong. */
async function probe(
  exec: Exec,
  command: string,
  args: string[],
): Promise<{ stdout: string; problem?: undefined } | { problem: string }> {
  try {
    const result = await exec(command, args, { silent: true, timeoutMs: 30_000 });
    if (result.exitCode === 0) return { stdout: result.stdout.trim() };
    const problem = (result.stderr || result.stdout).trim().split('\n')[0];
    return { problem: problem || `${command} exited ${result.exitCode}` };
  } catch (error) {
    // A missing program is an exec error, not an exit code.
    return { problem: (error as Error).message };
  }
}

/** The builder, and its name and version as it reports them: part of every build's cache key. */
export interface SelectedBuilder {
  builder: ImageBuilder;
  version: string;
}

/**
 * Picks the builder. `auto` prefers docker buildx when a Docker engine answers (GitHub's hosted
 * runners) and falls back to buildah (containers and machines without a daemon). A docker CLI
 * without a reachable engine does not count as docker.
 */
export async function selectBuilder(
  choice: BuilderChoice,
  environment: BuilderEnvironment,
): Promise<SelectedBuilder> {
  const { exec, workDir } = environment;
  const docker = async () => {
    const engine = await probe(exec, 'docker', ['version', '--format', '{{.Server.Version}}']);
    if (engine.problem !== undefined) return engine;
    const buildx = await probe(exec, 'docker', ['buildx', 'version']);
    if (buildx.problem !== undefined) return buildx;
    return {
      builder: new DockerBuilder({ workDir, env: environment.env }),
      version: buildx.stdout || 'docker buildx',
    };
  };
  const buildah = async () => {
    const found = await probe(exec, 'buildah', ['--version']);
    if (found.problem !== undefined) return found;
    return { builder: new BuildahBuilder(`${workDir}/buildah`), version: found.stdout || 'buildah' };
  };

  if (choice === 'docker') {
    const selected = await docker();
    if ('problem' in selected)
      throw new ConfigurationError(
        `input "builder": docker was chosen, but docker buildx with a running engine is not available (${selected.problem})`,
        'builder',
      );
    return selected;
  }
  if (choice === 'buildah') {
    const selected = await buildah();
    if ('problem' in selected)
      throw new ConfigurationError(
        `input "builder": buildah was chosen, but it is not installed or does not run (${selected.problem})`,
        'builder',
      );
    return selected;
  }
  const fromDocker = await docker();
  if (!('problem' in fromDocker)) return fromDocker;
  const fromBuildah = await buildah();
  if (!('problem' in fromBuildah)) return fromBuildah;
  throw new ConfigurationError(
    `input "builder": no image builder is installed; auto needs docker buildx with a running engine (${fromDocker.problem}) or buildah (${fromBuildah.problem})`,
    'builder',
  );
}
