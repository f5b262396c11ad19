import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigurationError } from './errors';
import { parseDuration } from './duration';

/** Reads one raw input value; '' when unset (the runner's convention). */
export type InputSource = (name: string) => string;

/** Reads inputs the way the runner passes them: INPUT_<NAME> with spaces as underscores, upper-cased. */
export const environmentInputs =
  (env: NodeJS.ProcessEnv = process.env): InputSource =>
  (name) =>
    (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();

interface Common<T> {
  required?: boolean;
  default?: T;
}

const TRUE = ['true', 'True', 'TRUE'];
const FALSE = ['false', 'False', 'FALSE'];

/**
 * Typed readers over an InputSource. Every failure is a ConfigurationError that names the input
 * and says what was expected, so users see `input "parallel": expected ...` rather than a stack.
 */
export class InputReader {
  constructor(private readonly source: InputSource) {}

  private raw(name: string, options: Common<unknown>): string | undefined {
    const value = this.source(name);
    if (value !== '') return value;
    if (options.required) throw new ConfigurationError(`Input required and not supplied: ${name}`, name);
    return undefined;
  }

  private fail(name: string, value: string, expected: string): never {
    throw new ConfigurationError(`input "${name}": got "${value}", expected ${expected}`, name);
  }

  string(name: string, options: Common<string> & { pattern?: RegExp; describe?: string } = {}): string {
    const value = this.raw(name, options) ?? options.default ?? '';
    if (value !== '' && options.pattern && !options.pattern.test(value)) {
      this.fail(name, value, options.describe ?? `a value matching ${options.pattern}`);
    }
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name, {});
  }

  /** Comma- or newline-separated list; blank entries and `#` comments are dropped. */
  list(name: string, options: Common<string[]> = {}): string[] {
    const value = this.raw(name, options);
    if (value === undefined) return options.default ?? [];
    return splitList(value);
  }

  /** Newline-separated list (entries may contain commas). */
  lines(name: string, options: Common<string[]> = {}): string[] {
    const value = this.raw(name, options);
    if (value === undefined) return options.default ?? [];
    return value
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }

  /** `NAME=value` lines into a map (values may contain `=`). */
  keyValues(name: string, options: Common<Record<string, string>> = {}): Record<string, string> {
    const result: Record<string, string> = {};
    for (const line of this.lines(name, { required: options.required })) {
      const eq = line.indexOf('=');
      if (eq <= 0) this.fail(name, line, 'lines of the form NAME=value');
      result[line.slice(0, eq).trim()] = line.slice(eq + 1);
    }
    return Object.keys(result).length > 0 ? result : (options.default ?? {});
  }

  boolean(name: string, options: Common<boolean> = {}): boolean {
    const value = this.raw(name, options);
    if (value === undefined) return options.default ?? false;
    if (TRUE.includes(value)) return true;
    if (FALSE.includes(value)) return false;
    return this.fail(name, value, 'one of true, false');
  }

  integer(name: string, options: Common<number> & { min?: number; max?: number } = {}): number {
    const value = this.raw(name, options);
    const range = `an integer${options.min !== undefined ? ` >= ${options.min}` : ''}${
      options.max !== undefined ? ` <= ${options.max}` : ''
    }`;
    if (value === undefined) {
      if (options.default === undefined)
        throw new ConfigurationError(`input "${name}": ${range} is required`, name);
      return options.default;
    }
    if (!/^-?\d+$/.test(value)) this.fail(name, value, range);
    const parsed = Number(value);
    if (
      (options.min !== undefined && parsed < options.min) ||
      (options.max !== undefined && parsed > options.max)
    ) {
      this.fail(name, value, range);
    }
    return parsed;
  }

  /** Non-negative decimal number (thresholds, rates). */
  number(name: string, options: Common<number> & { min?: number; max?: number } = {}): number | undefined {
    const value = this.raw(name, options);
    if (value === undefined) return options.default;
    const parsed = Number(value);
    const range = `a number${options.min !== undefined ? ` >= ${options.min}` : ''}${
      options.max !== undefined ? ` <= ${options.max}` : ''
    }`;
    if (value.trim() === '' || !Number.isFinite(parsed)) this.fail(name, value, range);
    if (
      (options.min !== undefined && parsed < options.min) ||
      (options.max !== undefined && parsed > options.max)
    ) {
      this.fail(name, value, range);
    }
    return parsed;
  }

  /** Duration such as `90s`, `10m`, `1h30m`, `48h`, `250ms`; returned in milliseconds. */
  duration(name: string, options: Common<string> = {}): number {
    const value = this.raw(name, options) ?? options.default;
    if (value === undefined) throw new ConfigurationError(`input "${name}": a duration is required`, name);
    const ms = parseDuration(value);
    if (ms === undefined) this.fail(name, value, 'a duration such as 30s, 10m or 1h30m');
    return ms;
  }

  enum<T extends string>(name: string, allowed: readonly T[], options: Common<T> = {}): T {
    const value = this.raw(name, options) ?? options.default;
    if (value === undefined)
      throw new ConfigurationError(`input "${name}": one of ${allowed.join(', ')} is required`, name);
    if (!(allowed as readonly string[]).includes(value))
      this.fail(name, value, `one of ${allowed.join(', ')}`);
    return value as T;
  }

  json<T = unknown>(name: string, options: Common<T> = {}): T | undefined {
    const value = this.raw(name, options);
    if (value === undefined) return options.default;
    try {
      return JSON.parse(value) as T;
    } catch (error) {
      throw new ConfigurationError(`input "${name}": not valid JSON (${(error as Error).message})`, name);
    }
  }

  yaml<T = unknown>(name: string, options: Common<T> = {}): T | undefined {
    const value = this.raw(name, options);
    if (value === undefined) return options.default;
    try {
      return parseYaml(value) as T;
    } catch (error) {
      const where =
        error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
      throw new ConfigurationError(
        `input "${name}": not valid YAML${where} (${(error as Error).message.split('\n')[0]})`,
        name,
      );
    }
  }
}

export function splitList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
}
