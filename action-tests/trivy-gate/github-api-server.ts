import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';

export interface SarifUploadRecord {
  path: string;
  authorization: string;
  body: { commit_sha: string; ref: string; sarif: string; tool_name?: string };
  /** The SARIF log decoded from the gzip + base64 body. */
  sarif: { runs: { automationDetails?: { id: string } }[] };
}

/** GitHub's code scanning SARIF endpoint on 127.0.0.1; the first `failFirst` uploads answer 502. */
export async function startGitHubApi(
  failFirst = 0,
): Promise<{ url: string; uploads: SarifUploadRecord[]; stop(): Promise<void> }> {
  const uploads: SarifUploadRecord[] = [];
  let failures = failFirst;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !/^\/repos\/[^/]+\/[^/]+\/code-scanning\/sarifs$/.test(req.url ?? '')) {
        res.writeHead(404).end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      if (failures > 0) {
        failures--;
        res.writeHead(502).end(JSON.stringify({ message: 'Bad Gateway' }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString()) as SarifUploadRecord['body'];
      const sarif = JSON.parse(
        zlib.gunzipSync(Buffer.from(body.sarif, 'base64')).toString(),
      ) as SarifUploadRecord['sarif'];
      uploads.push({ path: req.url!, authorization: String(req.headers.authorization), body, sarif });
      res
        .writeHead(202, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: `analysis-${uploads.length}`, url: 'https://api.example/x' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    uploads,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
