import { badRequest } from './errors';
import type { KubeObject } from './types';

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a label selector string (`a=b,c!=d,e in (x,y),!f,g`) into a predicate over labels. */
export function parseLabelSelector(selector: string | null): (object: KubeObject) => boolean {
  if (!selector) return () => true;
  const requirements: Requirement[] = [];
  // Split on commas outside parentheses.
  const parts = selector.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    let match: RegExpExecArray | null;
    if ((match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      const [, key, op, list] = match;
      const values = list!.split(',').map((v) => v.trim());
      requirements.push((labels) =>
        op === 'in' ? values.includes(labels[key!] as string) : !values.includes(labels[key!] as string),
      );
    } else if ((match = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part))) {
      const [, key, op, value] = match;
      requirements.push((labels) => (op === '!=' ? labels[key!] !== value : labels[key!] === value));
    } else if ((match = /^!([\w./-]+)$/.exec(part))) {
      const key = match[1]!;
      requirements.push((labels) => !(key in labels));
    } else if ((match = /^([\w./-]+)$/.exec(part))) {
      const key = match[1]!;
      requirements.push((labels) => key in labels);
    } else {
      throw badRequest(`unable to parse requirement: invalid label selector "${selector}"`);
    }
  }
  return (object) => {
    const labels = (object.metadata?.labels ?? {}) as Record<string, string>;
    return requirements.every((requirement) => requirement(labels));
  };
}

/** Parses a field selector (`metadata.name=x,involvedObject.kind!=Pod`) over dotted paths. */
export function parseFieldSelector(selector: string | null): (object: KubeObject) => boolean {
  if (!selector) return () => true;
  const terms = selector.split(',').map((term) => {
    const match = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (!match) throw badRequest(`invalid field selector "${selector}"`);
    return { path: match[1]!.split('.'), negate: match[2] === '!=', value: match[3]! };
  });
  return (object) =>
    terms.every(({ path, negate, value }) => {
      let current: unknown = object;
      for (const key of path) current = (current as KubeObject | undefined)?.[key];
      const actual = current === undefined || current === null ? '' : String(current);
      return negate ? actual !== value : actual === value;
    });
}

/** Whether a structured label selector (`matchLabels`/`matchExpressions`) selects the labels. */
export function matchesSelector(
  selector: KubeObject | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) return false;
  const matchLabels = (selector.matchLabels ?? {}) as Record<string, string>;
  if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) return false;
  for (const expression of (selector.matchExpressions ?? []) as KubeObject[]) {
    const values = (expression.values ?? []) as string[];
    const value = labels[expression.key as string];
    const ok =
      expression.operator === 'In'
        ? value !== undefined && values.includes(value)
        : expression.operator === 'NotIn'
          ? value === undefined || !values.includes(value)
          : expression.operator === 'Exists'
            ? value !== undefined
            : value === undefined;
    if (!ok) return false;
  }
  return true;
}
