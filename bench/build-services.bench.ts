// build-services on the four example services: parallel 2 against parallel 1 (cold builds, each in
// a fresh output directory), and a rebuild of unchanged services against the first build.
// The peer is buildah alone: the same test stage and image builds through the same builder class,
// without the action around them, two at a time against one at a time. It shows how far two
// concurrent builds scale on this machine before the action adds anything.
// `npx tsx bench/run.ts build-services`
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionsExecRunner } from '@alt-las/action-kit';
import { BuildahBuilder, buildSpecOf, planServices, runWithLimit, type CommandRunner } from '@alt-las/build';
import { loadServicesFile, nameRelease } from '@alt-las/release-model';
import { makeTempDir, repoRoot, runAction } from '../action-tests/harness';
import { stageBusybox } from '../action-tests/build-services/example-services';
import type { BenchmarkResult } from './run';

const ROUNDS = 5;
const PARALLEL_TARGET = 0.65;
const REBUILD_TARGET = 0.25;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

const silently: CommandRunner = async (command, args) => {
  const result = await actionsExecRunner(command, args, { silent: true });
  if (result.exitCode !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result;
};

/** The example services' test stages and image builds with buildah and nothing else; wall time. */
async function buildahAlone(dir: string, busybox: string, parallel: number): Promise<number> {
  const servicesFile = loadServicesFile(path.join(repoRoot, 'services.yaml'));
  const release = nameRelease({ ref: 'refs/tags/v1.0.0', owner: 'alt-las' }, { registry: 'ghcr.io' });
  const work = fs.mkdtempSync(path.join(dir, 'alone-'));
  const plans = planServices(servicesFile.services, release, {
    root: servicesFile.root,
    outputDir: work,
    runTests: true,
    buildArgs: {},
    buildContexts: { busybox },
    labels: {},
    created: new Date().toISOString(),
    repository: 'alt-las/alt-las',
  });
  const builder = new BuildahBuilder(path.join(work, 'storage'));
  const started = Date.now();
  const outcomes = await runWithLimit(plans, parallel, async (plan) => {
    const spec = buildSpecOf(plan);
    if (plan.test?.stage) await builder.buildStage({ ...spec, target: plan.test.stage }, silently);
    await builder.buildImage({ ...plan, ...spec }, silently);
    await builder.releaseService(plan.name, silently);
  });
  const elapsed = Date.now() - started;
  await builder.cleanup(silently);
  fs.rmSync(work, { recursive: true, force: true });
  const failed = outcomes.find((outcome) => !outcome.ok);
  if (failed && !failed.ok) throw failed.error;
  return elapsed;
}

export default async function benchmark(): Promise<BenchmarkResult> {
  const dir = makeTempDir('bench-build-services');
  try {
    const busybox = stageBusybox(dir);
    let runs = 0;
    const build = async (parallel: number, outputDir = path.join(dir, `out-${runs++}`)) => {
      const run = await runAction('build-services', {
        inputs: {
          builder: 'buildah',
          parallel: String(parallel),
          'output-dir': outputDir,
          'build-contexts': `busybox=${busybox}`,
        },
      });
      if (run.exitCode !== 0) throw new Error(`build-services failed: ${run.stdout.slice(-2000)}`);
      fs.rmSync(run.runnerDir, { recursive: true, force: true });
      return { ms: run.durationMs, outputDir };
    };

    const loadBefore = os.loadavg()[0]!;
    await build(2); // warm the page cache so the first measured run is not penalised
    const serial: number[] = [];
    const parallel: number[] = [];
    const rebuildRatios: number[] = [];
    const aloneSerial: number[] = [];
    const aloneParallel: number[] = [];
    // Interleaved, so drift in machine load affects both sides alike.
    for (let round = 0; round < ROUNDS; round++) {
      aloneSerial.push(await buildahAlone(dir, busybox, 1));
      aloneParallel.push(await buildahAlone(dir, busybox, 2));
      serial.push((await build(1)).ms);
      const first = await build(2);
      parallel.push(first.ms);
      const again = await build(2, first.outputDir);
      rebuildRatios.push(again.ms / first.ms);
    }
    const parallelRatio = median(parallel) / median(serial);
    const rebuildRatio = median(rebuildRatios);
    const aloneRatio = median(aloneParallel) / median(aloneSerial);
    return {
      name: 'build-services: four example services with buildah',
      lines: [
        // Other work on the machine competes for its cores; the load average tells how much.
        `machine: ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after`,
        `parallel 1: ${serial.map(seconds).join(', ')} (median ${seconds(median(serial))})`,
        `parallel 2: ${parallel.map(seconds).join(', ')} (median ${seconds(median(parallel))})`,
        `wall ratio parallel 2 / parallel 1: ${parallelRatio.toFixed(2)} (target <= ${PARALLEL_TARGET})`,
        `peer, buildah alone: parallel 1 median ${seconds(median(aloneSerial))}, parallel 2 median ${seconds(median(aloneParallel))}, ratio ${aloneRatio.toFixed(2)}`,
        // What the action adds to each run (Node start, probes, tests, hashing, summary), per side.
        `action over buildah alone: parallel 1 +${seconds(median(serial) - median(aloneSerial))}, parallel 2 +${seconds(median(parallel) - median(aloneParallel))}`,
        // Best of each: the runs least disturbed by other work, for reference; the target uses medians.
        `best-of ratio: ${(Math.min(...parallel) / Math.min(...serial)).toFixed(2)}`,
        `rebuild of unchanged services / first build: ${rebuildRatios.map((r) => r.toFixed(3)).join(', ')} (median ${rebuildRatio.toFixed(3)}, target <= ${REBUILD_TARGET})`,
      ],
      metTargets: parallelRatio <= PARALLEL_TARGET && rebuildRatio <= REBUILD_TARGET,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
