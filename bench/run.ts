// `npm run bench [name...]`: runs every bench/*.bench.ts (or the named ones) in order and prints
// each benchmark's lines. Each benchmark compares against a named peer measured in the same run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchmarkResult {
  name: string;
  lines: string[];
  /** False when a target was missed; the run still prints everything. */
  metTargets: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  // The bundle benchmark is the suite's first entry; the rest run in name order.
  .sort((a, b) => Number(b === 'bundles.bench.ts') - Number(a === 'bundles.bench.ts') || a.localeCompare(b))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.startsWith(name)));

let missed = 0;
for (const file of files) {
  const module = (await import(pathToFileURL(path.join(here, file)).href)) as {
    default: () => Promise<BenchmarkResult>;
  };
  const result = await module.default();
  console.log(`\n== ${result.name}${result.metTargets ? '' : '  (target missed)'}`);
  for (const line of result.lines) console.log(`   ${line}`);
  if (!result.metTargets) missed++;
}
console.log(`\n${files.length - missed} benchmark(s) met their targets, ${missed} missed`);
