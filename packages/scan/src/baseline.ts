import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '@alt-las/action-kit';
import { parseImageReference } from '@alt-las/release-model';
import { readTrivyReport, type ReadReport } from './report-reader';
import { findingKey, type Finding } from './trivy-report';

/**
 * The findings of a previous release, per image. Reports are matched to images by file name
 * (`<service>.json`, as this gate writes them) or by the repository Trivy recorded, ignoring the
 * registry and tag so a renamed registry or a new version still finds its predecessor.
 */
export class Baseline {
  private readonly byName = new Map<string, Set<string>>();

  constructor(readonly source: string) {}

  add(names: string[], findings: Finding[]): void {
    const keys = new Set(findings.map((finding) => findingKey('', finding)));
    for (const name of names) {
      const existing = this.byName.get(name);
      if (existing) for (const key of keys) existing.add(key);
      else this.byName.set(name, new Set(keys));
    }
  }

  /** The previous findings of the image known by any of `aliases`, or undefined when it had no report. */
  lookup(aliases: string[]): Set<string> | undefined {
    for (const alias of aliases) {
      const found = this.byName.get(alias);
      if (found) return found;
    }
    return undefined;
  }

  isKnown(known: Set<string>, finding: Finding): boolean {
    return known.has(findingKey('', finding));
  }

  get images(): number {
    return this.byName.size;
  }
}

function repositoryLeaf(reference: string | undefined): string | undefined {
  if (!reference || /\.(tar|tgz|gz)$/.test(reference) || reference.startsWith('/')) return undefined;
  try {
    return parseImageReference(reference).path.split('/').pop();
  } catch {
    return undefined;
  }
}

/** Names a baseline report answers to: its file name and the repository names Trivy recorded. */
export function reportNames(file: string, report: ReadReport['header']): string[] {
  const names = [path.basename(file).replace(/(\.trivy)?\.json$/, '')];
  for (const reference of [
    report.ArtifactName,
    report.Metadata?.Reference,
    ...(report.Metadata?.RepoTags ?? []),
  ]) {
    const leaf = repositoryLeaf(reference);
    if (leaf) names.push(leaf);
  }
  return [...new Set(names)];
}

/** Loads a baseline from one report file or a directory of `*.json` reports. */
export function loadBaseline(location: string): Baseline {
  if (!fs.existsSync(location))
    throw new ConfigurationError(`baseline ${location} does not exist`, 'baseline');
  const files = fs.statSync(location).isDirectory()
    ? fs
        .readdirSync(location)
        .filter((file) => file.endsWith('.json'))
        .sort()
        .map((file) => path.join(location, file))
    : [location];
  const baseline = new Baseline(location);
  for (const file of files) {
    let report: ReadReport;
    try {
      report = readTrivyReport(fs.readFileSync(file));
    } catch (error) {
      throw new ConfigurationError(
        `baseline ${file} is not a Trivy JSON report: ${(error as Error).message}`,
        'baseline',
      );
    }
    baseline.add(reportNames(file, report.header), report.findings);
  }
  if (baseline.images === 0)
    throw new ConfigurationError(`baseline ${location} holds no Trivy JSON reports (*.json)`, 'baseline');
  return baseline;
}
