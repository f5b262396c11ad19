import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage, type Clock, type Exec } from '@alt-las/action-kit';
import { readOciArchive } from '@alt-las/oci';
import type { ServiceTest, TestResult } from '@alt-las/release-model';
import { buildKey, removeBuild, reusableBuild, writeRecord } from './build-cache';
import { diagnoseBuildFailure } from './build-errors';
import type { BuildSpec, CommandRunner, ImageBuilder } from './builder';
import type { Dockerfile } from './dockerfile';
import { stableLabels } from './labels';
import { runTestCommand, runTestStage, type TestOutcome } from './test-runner';

/** The detail of a test stage not run again because its inputs passed it before. */
export const UNCHANGED_TEST = 'unchanged since the last passing run';

/** Everything decided about one service before anything runs. */
export interface ServicePlan {
  name: string;
  context: string;
  dockerfile: Dockerfile;
  test?: ServiceTest;
  /** Repository without tag. */
  image: string;
  /** `<image>:<version>`, the local name of the build. */
  tag: string;
  refName: string;
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  buildContexts: Record<string, string>;
  archive: string;
}

export interface ServiceBuild {
  name: string;
  test: { result: TestResult; durationMs: number; detail?: string };
  build?: {
    archive: string;
    digest: string;
    size: number;
    layers: number;
    builder: string;
    durationMs: number;
    builtAt: string;
    /** The archive of an earlier, identical build was kept. */
    reused: boolean;
  };
  failure?: { phase: 'test' | 'build'; message: string; line?: number };
  /** The service's own log, printed as one group when it finishes. */
  log: string[];
  durationMs: number;
}

export interface BuildServiceDeps {
  builder: ImageBuilder;
  /** The builder's name and version (`SelectedBuilder.version`): another version may build differently. */
  builderVersion: string;
  exec: Exec;
  clock: Clock;
  runTests: boolean;
  testTimeoutMs: number;
  now?: () => Date;
}

/** What the builder needs of a plan for the test stage and the image alike. */
export function buildSpecOf(plan: ServicePlan): BuildSpec {
  return {
    service: plan.name,
    context: plan.context,
    dockerfile: plan.dockerfile.file,
    buildArgs: plan.buildArgs,
    buildContexts: plan.buildContexts,
  };
}

/** The command line as logged: build-arg values stay out of the log, they may be tokens. */
function shown(command: string, args: string[]): string {
  return [
    command,
    ...args.map((arg, i) => (args[i - 1] === '--build-arg' ? arg.replace(/=.*$/s, '=…') : arg)),
  ]
    .map((word) => (/[\s"'{}]/.test(word) ? JSON.stringify(word) : word))
    .join(' ');
}

/**
 * Tests then builds one service. Nothing here throws: every problem becomes the service's
 * failure, so one broken service never stops the others. A failed service leaves no archive.
 */
export async function buildService(plan: ServicePlan, deps: BuildServiceDeps): Promise<ServiceBuild> {
  const log: string[] = [];
  const started = deps.clock.now();
  // Output is captured into the service's log, which is printed whole when the service is done.
  const logged: Exec = async (command, args, options) => {
    log.push(`$ ${shown(command, args)}${options?.cwd ? ` (in ${options.cwd})` : ''}`);
    const result = await deps.exec(command, args, { ...options, silent: true });
    for (const text of [result.stdout, result.stderr]) if (text.trim() !== '') log.push(text.trimEnd());
    if (result.exitCode !== 0) log.push(`(exit code ${result.exitCode})`);
    return result;
  };
  const run: CommandRunner = (command, args) => logged(command, args);
  const finish = async (
    partial: Omit<ServiceBuild, 'name' | 'log' | 'durationMs'>,
  ): Promise<ServiceBuild> => {
    if (partial.failure) removeBuild(plan.archive);
    try {
      await deps.builder.releaseService?.(plan.name, run);
    } catch (error) {
      log.push(`warning: could not remove the build storage: ${errorMessage(error)}`);
    }
    return { name: plan.name, ...partial, log, durationMs: deps.clock.now() - started };
  };
  const spec = buildSpecOf(plan);

  try {
    const key = buildKey({
      builder: deps.builderVersion,
      context: plan.context,
      dockerfile: plan.dockerfile,
      buildArgs: plan.buildArgs,
      buildContexts: plan.buildContexts,
      labels: stableLabels(plan.labels),
      tag: plan.tag,
    });
    const earlier = reusableBuild(plan.archive, key);

    let test: TestOutcome & { line?: number };
    if (!deps.runTests || !plan.test) {
      const detail = !deps.runTests ? 'run-tests is false' : 'the service defines no tests';
      test = { result: 'skipped', durationMs: 0, detail, output: '' };
    } else if (plan.test.command !== undefined) {
      test = await runTestCommand(plan.test.command, plan.context, {
        exec: logged,
        clock: deps.clock,
        timeoutMs: deps.testTimeoutMs,
      });
    } else if (earlier?.testStagePassed) {
      // The stage is part of the build; the same inputs give the same result.
      log.push(`Test stage "${plan.test.stage}" passed for this exact input before; not rebuilt`);
      test = { result: 'passed', durationMs: 0, detail: UNCHANGED_TEST, output: '' };
    } else {
      const stage = await runTestStage(deps.builder, { ...spec, target: plan.test.stage! }, run, deps.clock);
      const diagnosis = stage.build.ok ? undefined : diagnoseBuildFailure(stage.output, plan.dockerfile);
      test = diagnosis
        ? {
            ...stage,
            detail: `test stage "${plan.test.stage}" failed: ${diagnosis.message}`,
            line: diagnosis.line,
          }
        : stage;
    }
    const testSummary = { result: test.result, durationMs: test.durationMs, detail: test.detail };
    if (test.result === 'failed') {
      return finish({
        test: testSummary,
        failure: { phase: 'test', message: test.detail ?? 'tests failed', line: test.line },
      });
    }

    if (earlier) {
      log.push(
        `Unchanged since the build of ${earlier.builtAt}: keeping ${plan.archive} (${earlier.digest})`,
      );
      if (test.result === 'passed' && plan.test?.stage)
        writeRecord(plan.archive, { ...earlier, testStagePassed: true });
      return finish({
        test: testSummary,
        build: { archive: plan.archive, ...earlier, builder: deps.builder.name, reused: true },
      });
    }

    const buildStarted = deps.clock.now();
    const partial = `${plan.archive}.partial`;
    removeBuild(plan.archive);
    fs.mkdirSync(path.dirname(plan.archive), { recursive: true });
    const outcome = await deps.builder.buildImage(
      { ...spec, tag: plan.tag, refName: plan.refName, labels: plan.labels, archive: partial },
      run,
    );
    if (!outcome.ok) {
      const diagnosis = diagnoseBuildFailure(outcome.output, plan.dockerfile);
      return finish({ test: testSummary, failure: { phase: 'build', ...diagnosis } });
    }
    const archive = readOciArchive(partial);
    if (outcome.reportedDigest && outcome.reportedDigest !== archive.manifestDigest) {
      throw new Error(
        `${deps.builder.name} reported image digest ${outcome.reportedDigest}, but the archive holds ${archive.manifestDigest}`,
      );
    }
    fs.renameSync(partial, plan.archive);
    const build = {
      digest: archive.manifestDigest,
      size: archive.size,
      layers: archive.layers.length,
      builtAt: (deps.now?.() ?? new Date()).toISOString(),
      durationMs: deps.clock.now() - buildStarted,
    };
    writeRecord(plan.archive, {
      key,
      ...build,
      testStagePassed: plan.test?.stage !== undefined && test.result === 'passed' ? true : undefined,
    });
    log.push(`Wrote ${plan.archive}: ${build.digest}, ${build.layers} layers, ${build.size} bytes`);
    return finish({
      test: testSummary,
      build: { archive: plan.archive, ...build, builder: deps.builder.name, reused: false },
    });
  } catch (error) {
    log.push(`Error: ${errorMessage(error)}`);
    return finish({
      test: { result: 'skipped', durationMs: 0, detail: 'not reached' },
      failure: { phase: 'build', message: errorMessage(error) },
    });
  }
}
