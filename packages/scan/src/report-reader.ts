import {
  secretFinding,
  vulnerabilityFinding,
  type Finding,
  type TrivyReport,
  type TrivySecret,
  type TrivyVulnerability,
} from './trivy-report';

/** A report's top-level fields (without Results) and its findings. */
export interface ReadReport {
  header: Omit<TrivyReport, 'Results'>;
  findings: Finding[];
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_OBJECT = 123;
const OPEN_ARRAY = 91;
const CLOSE_OBJECT = 125;
const CLOSE_ARRAY = 93;

/** Index of the quote closing the string that opens at `open`. */
function stringEnd(text: Buffer, open: number): number {
  for (let at = text.indexOf(QUOTE, open + 1); at >= 0; at = text.indexOf(QUOTE, at + 1)) {
    let backslashes = 0;
    for (let i = at - 1; text[i] === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  throw new Error('unexpected end of JSON inside a string');
}

/** Index of the bracket closing the object or array that opens at `open`. */
function valueEnd(text: Buffer, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === QUOTE) i = stringEnd(text, i);
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --depth === 0) return i;
  }
  throw new Error('unexpected end of JSON');
}

function parseSlice(text: Buffer, from: number, to: number): unknown {
  try {
    return JSON.parse(text.toString('utf8', from, to));
  } catch (error) {
    throw new Error(`invalid JSON at byte ${from} (${(error as Error).message.slice(0, 80)})`, {
      cause: error,
    });
  }
}

interface Frame {
  array: boolean;
  /** For objects: the key whose value comes next. */
  key?: string;
}

const isDelimiter = (c: number | undefined) =>
  c === undefined ||
  c === 44 ||
  c === CLOSE_OBJECT ||
  c === CLOSE_ARRAY ||
  c === 32 ||
  c === 10 ||
  c === 13 ||
  c === 9;

/**
 * Reads a Trivy JSON report (SchemaVersion 2) into findings without building the whole document:
 * each vulnerability and secret is parsed on its own and turned into a Finding at once, so the
 * descriptions, references and CVSS data of a 50,000-finding report never sit in memory together.
 * Top-level fields other than Results are parsed whole; other per-result lists (Packages, ...) are skipped.
 * It works on the file's bytes, so the report is never also held as a (twice as large) string.
 */
export function readTrivyReport(input: Buffer | string): ReadReport {
  const text = typeof input === 'string' ? Buffer.from(input) : input;
  const header: Record<string, unknown> = {};
  const findings: Finding[] = [];
  const stack: Frame[] = [];
  let result: { Target?: unknown; Class?: unknown; Type?: unknown } = {};
  let pending: Finding[] = [];
  let afterColon = false;

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44) continue;
    const top = stack[stack.length - 1];
    const depth = stack.length;
    if (c === 58 /* : */) {
      afterColon = true;
      continue;
    }
    if (c === QUOTE && top && !top.array && !afterColon) {
      const end = stringEnd(text, i);
      top.key = parseSlice(text, i, end + 1) as string;
      i = end;
      continue;
    }
    afterColon = false;
    if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (!top || top.array !== (c === CLOSE_ARRAY)) throw new Error(`unbalanced JSON at byte ${i}`);
      stack.pop();
      // A result closed: its findings get its target now that all of its fields were read.
      if (depth === 3) {
        if (typeof result.Target !== 'string') throw new Error('a result has no Target');
        for (const finding of pending) {
          finding.target = result.Target;
          finding.resultClass = typeof result.Class === 'string' ? result.Class : finding.resultClass;
          if (finding.kind === 'vulnerability' && typeof result.Type === 'string')
            finding.resultType = result.Type;
          findings.push(finding);
        }
      }
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 0 && c !== OPEN_OBJECT) throw new Error('not a JSON object');
      const key = top?.key;
      const descend =
        depth === 0 ||
        (depth === 1 && key === 'Results') ||
        (depth === 2 && c === OPEN_OBJECT) ||
        (depth === 3 && (key === 'Vulnerabilities' || key === 'Secrets'));
      if (depth === 1 && key === 'Results' && c !== OPEN_ARRAY) throw new Error('Results is not a list');
      if (descend) {
        if (depth === 2) {
          result = {};
          pending = [];
        }
        stack.push({ array: c === OPEN_ARRAY });
        continue;
      }
      const end = valueEnd(text, i);
      if (depth === 1) header[key!] = parseSlice(text, i, end + 1);
      else if (depth === 4 && stack[2]!.key === 'Vulnerabilities') {
        const v = parseSlice(text, i, end + 1) as TrivyVulnerability;
        if (typeof v.VulnerabilityID !== 'string') throw new Error('a vulnerability has no VulnerabilityID');
        pending.push(vulnerabilityFinding(v, { Target: '', Class: 'unknown' }));
      } else if (depth === 4) {
        const s = parseSlice(text, i, end + 1) as TrivySecret;
        if (typeof s.RuleID !== 'string') throw new Error('a secret has no RuleID');
        pending.push(secretFinding(s, { Target: '', Class: 'secret' }));
      }
      i = end;
      continue;
    }
    // A string, number, true, false or null value.
    let end = i;
    if (c === QUOTE) end = stringEnd(text, i);
    else while (!isDelimiter(text[end + 1])) end++;
    if (depth === 1 || depth === 3) {
      const value = parseSlice(text, i, end + 1);
      if (depth === 1) header[top!.key!] = value;
      else (result as Record<string, unknown>)[top!.key!] = value;
    }
    i = end;
  }
  if (stack.length !== 0) throw new Error('unexpected end of JSON');
  if (header.SchemaVersion !== 2) {
    throw new Error(`SchemaVersion ${JSON.stringify(header.SchemaVersion)} is not supported; expected 2`);
  }
  return { header: header as ReadReport['header'], findings };
}
