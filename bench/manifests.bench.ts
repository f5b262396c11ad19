// The production manifest checks as a reviewer runs them (`npm test -- action-tests/manifests`):
// render + parse, schema validation and the policy over kubernetes/production, against the named peer
// render + parse alone; and the same checks over ten copies of the set, to show how they scale.
// `npx tsx bench/run.ts manifests`
import {
  checkPolicy,
  cloneDocuments,
  loadManifestDirectory,
  validateSchemas,
  type ManifestDocument,
} from '@alt-las/manifest-policy';
import {
  manifestDirectory,
  productionExpectations,
  sampleVars,
} from '../action-tests/manifests/production-manifests';
import type { BenchmarkResult } from './run';

const ROUNDS = 7;
const FULL_CHECK_TARGET_MS = 1_000;
const TEN_COPIES_TARGET_MS = 5_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function timed(run: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export default async function benchmark(): Promise<BenchmarkResult> {
  const expect = productionExpectations();
  const load = () => loadManifestDirectory(manifestDirectory, sampleVars);
  const check = async (documents: ManifestDocument[]) => {
    await validateSchemas(documents);
    checkPolicy(documents, expect);
  };
  const documents = load();
  await check(documents); // the first run loads the schema modules; not what a repeated run costs
  const tenCopies = Array.from({ length: 10 }, () => cloneDocuments(documents)).flat();

  const parse: number[] = [];
  const full: number[] = [];
  const single: number[] = [];
  const scaled: number[] = [];
  // Interleaved, so drift in machine load affects every measurement alike.
  for (let round = 0; round < ROUNDS; round++) {
    parse.push(await timed(load));
    full.push(await timed(async () => check(load())));
    single.push(await timed(() => check(documents)));
    scaled.push(await timed(() => check(tenCopies)));
  }
  const fullMedian = median(full);
  const scaledMedian = median(scaled);
  return {
    name: `manifests: schema and policy checks of kubernetes/production (${documents.length} documents)`,
    lines: [
      `peer, render + parse only: median ${ms(median(parse))} over ${ROUNDS} rounds`,
      `render + parse + schema + ${expect.allowedFlows.length + expect.deniedFlows.length} flows and all rules: median ${ms(fullMedian)} ` +
        `(${(fullMedian / median(parse)).toFixed(1)}x the peer; target <= ${FULL_CHECK_TARGET_MS} ms)`,
      `checks alone, one set: median ${ms(median(single))}; ten copies (${tenCopies.length} documents): ` +
        `median ${ms(scaledMedian)} (${(scaledMedian / median(single)).toFixed(1)}x; target <= ${TEN_COPIES_TARGET_MS} ms)`,
    ],
    metTargets: fullMedian <= FULL_CHECK_TARGET_MS && scaledMedian <= TEN_COPIES_TARGET_MS,
  };
}
