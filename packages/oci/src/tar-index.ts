import * as fs from 'node:fs';

/** Where one regular file's bytes sit inside a tar file. */
export interface TarEntry {
  name: string;
  offset: number;
  size: number;
}

const BLOCK = 512;

export class TarFormatError extends Error {
  override readonly name = 'TarFormatError';
}

function readField(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function readNumber(header: Buffer, start: number, length: number): number {
  // Sizes over 8 GiB use GNU base-256: high bit of the first byte set, big-endian remainder.
  if ((header[start]! & 0x80) !== 0) {
    let value = header[start]! & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + header[i]!;
    return value;
  }
  const text = readField(header, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumMatches(header: Buffer): boolean {
  const stored = readNumber(header, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === stored;
}

/** `path=value` records of a pax extended header. */
function parsePax(body: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let position = 0;
  while (position < body.length) {
    const space = body.indexOf(0x20, position);
    if (space === -1) break;
    const length = Number(body.subarray(position, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, position + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records[record.slice(0, eq)] = record.slice(eq + 1);
    position += length;
  }
  return records;
}

function normalise(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/**
 * Lists the regular files of a tar (ustar, pax and GNU long names) by reading only the headers,
 * so multi-gigabyte archives are indexed without loading their contents.
 */
export function indexTar(file: string): Map<string, TarEntry> {
  const entries = new Map<string, TarEntry>();
  const fd = fs.openSync(file, 'r');
  try {
    const total = fs.fstatSync(fd).size;
    const header = Buffer.alloc(BLOCK);
    let position = 0;
    let pendingName: string | undefined;
    let pendingSize: number | undefined;
    while (position + BLOCK <= total) {
      fs.readSync(fd, header, 0, BLOCK, position);
      if (header.every((byte) => byte === 0)) break;
      if (!checksumMatches(header)) throw new TarFormatError(`bad tar header checksum at byte ${position}`);
      const type = String.fromCharCode(header[156] || 0x30);
      const size = pendingSize ?? readNumber(header, 124, 12);
      const dataStart = position + BLOCK;
      if (dataStart + size > total) throw new TarFormatError(`tar entry at byte ${position} is truncated`);
      const readBody = () => {
        const body = Buffer.alloc(size);
        fs.readSync(fd, body, 0, size, dataStart);
        return body;
      };
      if (type === 'x' || type === 'L') {
        const body = readBody();
        if (type === 'L') pendingName = body.toString('utf8').replace(/\0+$/, '');
        else {
          const pax = parsePax(body);
          if (pax.path !== undefined) pendingName = pax.path;
          if (pax.size !== undefined) pendingSize = Number(pax.size);
        }
        position = dataStart + Math.ceil(readNumber(header, 124, 12) / BLOCK) * BLOCK;
        continue;
      }
      if (type !== 'g') {
        const prefix = readField(header, 345, 155);
        const shortName = readField(header, 0, 100);
        const name = normalise(pendingName ?? (prefix ? `${prefix}/${shortName}` : shortName));
        if (type === '0' || type === '7') entries.set(name, { name, offset: dataStart, size });
      }
      pendingName = undefined;
      pendingSize = undefined;
      position = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    fs.closeSync(fd);
  }
  return entries;
}
