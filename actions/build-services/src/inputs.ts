import * as path from 'node:path';
import { environmentInputs, InputReader, runnerTempDir, type InputSource } from '@alt-las/action-kit';

export interface BuildServicesInputs {
  servicesFile: string;
  services: string[];
  builder: 'auto' | 'buildah' | 'docker';
  registry: string;
  namespace: string;
  version: string;
  runTests: boolean;
  parallel: number;
  buildArgs: Record<string, string>;
  /** Named build contexts: name -> absolute directory. */
  buildContexts: Record<string, string>;
  labels: Record<string, string>;
  outputDir: string;
  dryRun: boolean;
}

export function readInputs(source: InputSource = environmentInputs()): BuildServicesInputs {
  const reader = new InputReader(source);
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const outputDir = reader.string('output-dir');
  const buildContexts = Object.fromEntries(
    Object.entries(reader.keyValues('build-contexts')).map(([name, dir]) => [
      name,
      path.resolve(workspace, dir.trim()),
    ]),
  );
  return {
    servicesFile: path.resolve(workspace, reader.string('services-file', { default: 'services.yaml' })),
    services: reader.list('services'),
    builder: reader.enum('builder', ['auto', 'buildah', 'docker'] as const, { default: 'auto' }),
    registry: reader.string('registry', { default: 'ghcr.io' }),
    namespace: reader.string('namespace'),
    version: reader.string('version'),
    runTests: reader.boolean('run-tests', { default: true }),
    parallel: reader.integer('parallel', { default: 2, min: 1, max: 32 }),
    buildArgs: reader.keyValues('build-args'),
    buildContexts,
    labels: reader.keyValues('labels'),
    outputDir: outputDir ? path.resolve(workspace, outputDir) : runnerTempDir('alt-las-build'),
    dryRun: reader.boolean('dry-run', { default: false }),
  };
}
