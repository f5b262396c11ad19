import * as fs from 'node:fs';
import { ConfigurationError } from '@alt-las/action-kit';
import type { Finding } from './trivy-report';

/** A `not_affected` statement from an OpenVEX document. */
export interface VexStatement {
  vulnerability: string;
  /** Product and subcomponent identifiers (PURLs); empty means the statement covers every product. */
  products: string[];
  justification?: string;
  impact?: string;
  source: string;
}

type Identified = string | { '@id'?: string; identifiers?: Record<string, string> };

function identifiers(items: unknown): string[] {
  if (!Array.isArray(items)) return [];
  return (items as Identified[]).flatMap((item) => {
    if (typeof item === 'string') return [item];
    const ids = [item?.['@id'], ...Object.values(item?.identifiers ?? {})];
    const nested = identifiers((item as { subcomponents?: unknown }).subcomponents);
    return [...ids.filter((id): id is string => typeof id === 'string'), ...nested];
  });
}

/** Reads OpenVEX documents (v0.0.x and v0.2.x) and keeps their `not_affected` statements. */
export function parseVex(text: string, file: string): VexStatement[] {
  let document: { statements?: unknown };
  try {
    document = JSON.parse(text) as { statements?: unknown };
  } catch (error) {
    throw new ConfigurationError(`vex ${file}: not valid JSON (${(error as Error).message})`, 'vex');
  }
  if (!document || !Array.isArray(document.statements)) {
    throw new ConfigurationError(`vex ${file}: not an OpenVEX document (no "statements" list)`, 'vex');
  }
  const statements: VexStatement[] = [];
  for (const [index, raw] of (document.statements as Record<string, unknown>[]).entries()) {
    const vulnerability =
      typeof raw?.vulnerability === 'string'
        ? raw.vulnerability
        : (raw?.vulnerability as { name?: string } | undefined)?.name;
    if (!vulnerability)
      throw new ConfigurationError(`vex ${file}: statement ${index + 1} names no vulnerability`, 'vex');
    if (raw.status !== 'not_affected') continue;
    statements.push({
      vulnerability,
      products: [...identifiers(raw.products), ...identifiers(raw.subcomponents)],
      justification: typeof raw.justification === 'string' ? raw.justification : undefined,
      impact: typeof raw.impact_statement === 'string' ? raw.impact_statement : undefined,
      source: file,
    });
  }
  return statements;
}

export function loadVex(files: string[]): VexStatement[] {
  return files.flatMap((file) => {
    if (!fs.existsSync(file)) throw new ConfigurationError(`vex ${file} does not exist`, 'vex');
    return parseVex(fs.readFileSync(file, 'utf8'), file);
  });
}

const withoutQualifiers = (purl: string) => purl.split(/[?#]/)[0]!;

/**
 * A statement applies when it names the vulnerability and either lists no products or lists the
 * finding's package PURL or the scanned image (as `pkg:oci/<name>` or its repository).
 */
export function vexCovers(statement: VexStatement, finding: Finding, imageName: string): boolean {
  if (statement.vulnerability !== finding.id) return false;
  if (statement.products.length === 0) return true;
  const imageLeaf = imageName.split('/').pop()!;
  return statement.products.some((product) => {
    const bare = withoutQualifiers(product);
    if (finding.purl && bare === withoutQualifiers(finding.purl)) return true;
    if (bare === imageName || bare.split('@')[0] === imageName) return true;
    return bare.startsWith('pkg:oci/') && bare.slice('pkg:oci/'.length).split('@')[0] === imageLeaf;
  });
}
