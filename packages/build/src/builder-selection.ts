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

/** Undefined when the command runs cleanly, else the first line of what went wrong. */
async function problemRunning(exec: Exec, command: string, args: string[]): Promise<string | undefined> {
  try {
    const result = await exec(command, args, { silent: true, timeoutMs: 30_000 });
    if (result.exitCode === 0) return undefined;
    return (result.stderr || result.stdout).trim().split('\n')[0] || `${command} exited ${result.exitCode}`;
  } catch (error) {
    // A missing program is an exec error, not an exit code.
    return (error as Error).message;
  }
}

/**
 * Picks the builder. `auto` prefers docker buildx when a Docker engine answers (GitHub's hosted
 * runners) and falls back to buildah (containers and machines without a daemon). A docker CLI
 * without a reachable engine does not count as docker.
 */
export async function selectBuilder(
  choice: BuilderChoice,
  environment: BuilderEnvironment,
): Promise<ImageBuilder> {
  const { exec, workDir } = environment;
  const dockerProblem = async () =>
    (await problemRunning(exec, 'docker', ['version', '--format', '{{.Server.Version}}'])) ??
    (await problemRunning(exec, 'docker', ['buildx', 'version']));
  const buildahProblem = () => problemRunning(exec, 'buildah', ['--version']);
  const docker = () => new DockerBuilder({ workDir, env: environment.env });
  const buildah = () => new BuildahBuilder(`${workDir}/buildah`);

  if (choice === 'docker') {
    const problem = await dockerProblem();
    if (problem !== undefined)
      throw new ConfigurationError(
        `input "builder": docker was chosen, but docker buildx with a running engine is not available (${problem})`,
        'builder',
      );
    return docker();
  }
  if (choice === 'buildah') {
    const problem = await buildahProblem();
    if (problem !== undefined)
      throw new ConfigurationError(
        `input "builder": buildah was chosen, but it is not installed or does not run (${problem})`,
        'builder',
      );
    return buildah();
  }
  const fromDocker = await dockerProblem();
  if (fromDocker === undefined) return docker();
  const fromBuildah = await buildahProblem();
  if (fromBuildah === undefined) return buildah();
  throw new ConfigurationError(
    `input "builder": no image builder is installed; auto needs docker buildx with a running engine (${fromDocker}) or buildah (${fromBuildah})`,
    'builder',
  );
}
