import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Entry {
  key: string;
  version: string;
  chunks: Buffer;
  committed: boolean;
}

export interface ActionsCacheServer {
  /** ACTIONS_CACHE_URL (with the trailing slash the runner gives it). */
  url: string;
  keys(): string[];
  /** Authorization headers seen, to check the runtime token was sent and never logged. */
  authorizations: string[];
  stop(): Promise<void>;
}

/**
 * The Actions cache service (v1 protocol, as @actions/cache speaks it with ACTIONS_CACHE_URL) on
 * 127.0.0.1: look up by keys and version (exact key, then prefix), reserve, upload ranges, commit, download.
 */
export async function startActionsCacheServer(): Promise<ActionsCacheServer> {
  const entries: Entry[] = [];
  const authorizations: string[] = [];
  let url = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      authorizations.push(String(req.headers.authorization ?? ''));
      const body = Buffer.concat(chunks);
      const target = new URL(req.url ?? '/', 'http://127.0.0.1');
      const json = (status: number, value?: unknown) =>
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(value === undefined ? '' : JSON.stringify(value));
      const id = /^\/_apis\/artifactcache\/caches\/(\d+)$/.exec(target.pathname)?.[1];
      if (req.method === 'GET' && target.pathname === '/_apis/artifactcache/cache') {
        // @actions/cache encodes the key list once more than the query string needs.
        const keys = decodeURIComponent(target.searchParams.get('keys') ?? '').split(',');
        const version = target.searchParams.get('version');
        const usable = entries.filter((entry) => entry.committed && entry.version === version);
        const found =
          usable.find((entry) => entry.key === keys[0]) ??
          keys.map((key) => usable.filter((entry) => entry.key.startsWith(key)).pop()).find(Boolean);
        if (!found) return json(204);
        return json(200, {
          cacheKey: found.key,
          scope: 'refs/heads/main',
          archiveLocation: `${url}archives/${entries.indexOf(found)}`,
        });
      }
      if (req.method === 'POST' && target.pathname === '/_apis/artifactcache/caches') {
        const { key, version } = JSON.parse(body.toString()) as { key: string; version: string };
        if (entries.some((entry) => entry.key === key && entry.version === version))
          return json(409, { message: 'already exists' });
        entries.push({ key, version, chunks: Buffer.alloc(0), committed: false });
        return json(201, { cacheId: entries.length });
      }
      if (req.method === 'PATCH' && id) {
        const entry = entries[Number(id) - 1]!;
        const start = Number(/bytes (\d+)-/.exec(String(req.headers['content-range']))?.[1] ?? 0);
        const grown = Buffer.alloc(Math.max(entry.chunks.length, start + body.length));
        entry.chunks.copy(grown);
        body.copy(grown, start);
        entry.chunks = grown;
        return json(204);
      }
      if (req.method === 'POST' && id) {
        entries[Number(id) - 1]!.committed = true;
        return json(204);
      }
      const archive = /^\/archives\/(\d+)$/.exec(target.pathname)?.[1];
      if (req.method === 'GET' && archive) {
        const entry = entries[Number(archive)]!;
        return res.writeHead(200, { 'content-length': entry.chunks.length }).end(entry.chunks);
      }
      json(404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    keys: () => entries.filter((entry) => entry.committed).map((entry) => entry.key),
    authorizations,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
