import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { ConfigurationError, parseDuration } from '@alt-las/action-kit';

/**
 * Typed reads from a parsed YAML document where every error names `file:line` and the field,
 * so a mistake in a checks file points at the line to fix.
 */
export class YamlFields {
  private readonly lines = new LineCounter();
  readonly root: Node | null;

  constructor(
    text: string,
    readonly file: string,
    private readonly subject: string,
  ) {
    const doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const first = doc.errors[0]!;
      const line = this.lines.linePos(first.pos[0]).line;
      throw new ConfigurationError(`${file}:${line}: invalid YAML: ${first.message.split('\n')[0]}`, subject);
    }
    this.root = doc.contents as Node | null;
  }

  error(node: Node | null | undefined, message: string): ConfigurationError {
    const offset = node?.range?.[0];
    const where = offset !== undefined ? `:${this.lines.linePos(offset).line}` : '';
    return new ConfigurationError(`${this.file}${where}: ${message}`, this.subject);
  }

  /** The mapping at `node`, after checking it has only the allowed keys. */
  map(node: Node | null | undefined, what: string, allowed: readonly string[]): YAMLMap<unknown, unknown> {
    if (!isMap(node)) throw this.error(node, `${what} must be a mapping`);
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (!allowed.includes(key)) {
        throw this.error(
          pair.key as Node,
          `${what}: unknown field "${key}"; expected one of ${allowed.join(', ')}`,
        );
      }
    }
    return node;
  }

  list(node: Node | null | undefined, what: string): Node[] {
    if (!isSeq(node)) throw this.error(node, `${what} must be a list`);
    return node.items as Node[];
  }

  child(map: YAMLMap<unknown, unknown>, key: string): Node | undefined {
    return (map.get(key, true) as Node | undefined) ?? undefined;
  }

  string(map: YAMLMap<unknown, unknown>, key: string, what: string, fallback?: string): string {
    const node = this.child(map, key);
    if (node === undefined) {
      if (fallback !== undefined) return fallback;
      throw this.error(map, `${what}: "${key}" is required`);
    }
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'string' || value.trim() === '')
      throw this.error(node, `${what}: "${key}" must be a non-empty string`);
    return value;
  }

  number(
    map: YAMLMap<unknown, unknown>,
    key: string,
    what: string,
    range: { min?: number; max?: number; integer?: boolean } = {},
  ): number | undefined {
    const node = this.child(map, key);
    if (node === undefined) return undefined;
    const value = isScalar(node) ? node.value : undefined;
    const expected = `${range.integer ? 'an integer' : 'a number'}${range.min !== undefined ? ` >= ${range.min}` : ''}${range.max !== undefined ? ` <= ${range.max}` : ''}`;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (range.integer && !Number.isInteger(value)) ||
      (range.min !== undefined && value < range.min) ||
      (range.max !== undefined && value > range.max)
    ) {
      throw this.error(node, `${what}: "${key}" must be ${expected}, got ${JSON.stringify(value ?? null)}`);
    }
    return value;
  }

  boolean(map: YAMLMap<unknown, unknown>, key: string, what: string): boolean | undefined {
    const node = this.child(map, key);
    if (node === undefined) return undefined;
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'boolean') throw this.error(node, `${what}: "${key}" must be true or false`);
    return value;
  }

  duration(map: YAMLMap<unknown, unknown>, key: string, what: string): number | undefined {
    const node = this.child(map, key);
    if (node === undefined) return undefined;
    const value = isScalar(node) ? node.value : undefined;
    const ms = typeof value === 'number' ? value * 1000 : parseDuration(String(value ?? ''));
    if (ms === undefined || ms < 0)
      throw this.error(node, `${what}: "${key}" must be a duration such as 500ms, 5s or 1m`);
    return ms;
  }

  /** A mapping of header names to string values. */
  stringMap(map: YAMLMap<unknown, unknown>, key: string, what: string): Record<string, string> {
    const node = this.child(map, key);
    if (node === undefined) return {};
    if (!isMap(node)) throw this.error(node, `${what}: "${key}" must be a mapping of names to values`);
    const result: Record<string, string> = {};
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (name === '' || value === undefined || value === null || typeof value === 'object') {
        throw this.error((pair.value ?? pair.key) as Node, `${what}: "${key}.${name}" must be a plain value`);
      }
      result[name] = String(value);
    }
    return result;
  }

  /** A list of integers (status codes), also accepting a single integer. */
  integers(
    map: YAMLMap<unknown, unknown>,
    key: string,
    what: string,
    min: number,
    max: number,
  ): number[] | undefined {
    const node = this.child(map, key);
    if (node === undefined) return undefined;
    const items = isSeq(node) ? (node.items as Node[]) : [node];
    return items.map((item) => {
      const value = isScalar(item) ? item.value : undefined;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
        throw this.error(item, `${what}: "${key}" must be integers ${min}-${max}`);
      return value;
    });
  }
}
