import { parseJsonPath, resolveJsonPath } from './json-path';

export interface JsonAssertion {
  path: string;
  equals?: unknown;
  exists?: boolean;
  /** Regular expression the value (as text) must match. */
  matches?: string;
  type?: 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';
}

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

/** Every failed expectation of `assertion` against `document`, as sentences; empty when it holds. */
export function checkJsonAssertion(document: unknown, assertion: JsonAssertion): string[] {
  const { found, value } = resolveJsonPath(document, parseJsonPath(assertion.path));
  const problems: string[] = [];
  const expectPresent = assertion.exists ?? true;
  if (!found) {
    return expectPresent ? [`${assertion.path} is missing`] : [];
  }
  if (assertion.exists === false)
    problems.push(`${assertion.path} is present (${show(value)}) but should not be`);
  if ('equals' in assertion && !deepEqual(value, assertion.equals))
    problems.push(`${assertion.path} is ${show(value)}, expected ${show(assertion.equals)}`);
  if (assertion.type && typeOf(value) !== assertion.type)
    problems.push(`${assertion.path} is of type ${typeOf(value)}, expected ${assertion.type}`);
  if (assertion.matches !== undefined) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (!new RegExp(assertion.matches).test(text))
      problems.push(`${assertion.path} is ${show(value)}, which does not match /${assertion.matches}/`);
  }
  return problems;
}
