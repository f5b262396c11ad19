/** One step into a JSON value: an object key or an array index. */
export type PathSegment = string | number;

/**
 * Parses the small path language of the checks file: `status`, `data.items[0].id`,
 * `$.data["key with dots"]`. A leading `$` or `$.` is accepted and ignored.
 */
export function parseJsonPath(text: string): PathSegment[] {
  const source = text.trim().replace(/^\$\.?/, '');
  const segments: PathSegment[] = [];
  const pattern = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  let index = 0;
  while (index < source.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(source);
    if (!match || (match[1] !== undefined && index === 0 && source[0] === '.')) {
      throw new Error(`JSON path "${text}" is not valid at "${source.slice(index)}"; use a.b[0].c`);
    }
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(`"${match[3]}"`) as string);
    index = pattern.lastIndex;
  }
  return segments;
}

/** Follows `path` into `value`; `found` is false when any step is missing. */
export function resolveJsonPath(value: unknown, path: PathSegment[]): { found: boolean; value?: unknown } {
  let current: unknown = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false };
      current = current[segment];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return { found: false };
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value: current };
}
