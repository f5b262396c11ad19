import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../paths';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stand-in-trivy.cjs');

export interface TrivyReleaseServer {
  /** Base URL to pass as `trivy-download-url`. */
  url: string;
  version: string;
  /** sha256 of the tarball the checksums file lists. */
  tarballSha256: string;
  tarballName: string;
  /** Paths requested, in order. */
  requests: string[];
  /** The next `times` requests for a path ending in `suffix` answer `status` (e.g. 500, 404). */
  failNext(suffix: string, times: number, status?: number): void;
  /** Serve a tarball whose bytes differ from the one the checksums file lists (a tampered release). */
  tamper(on: boolean): void;
  stop(): Promise<void>;
}

function sha256(buffer: Buffer): string {
  return crypto.createHash('sha256').update(buffer).digest('hex');
}

/** A Trivy release tarball (`trivy` + LICENSE + README.md) with the stand-in script as the binary. */
export function buildTrivyTarball(
  version: string,
  platform = 'Linux-64bit',
): { name: string; bytes: Buffer } {
  const dir = makeTempDir('trivy-release');
  try {
    const content = path.join(dir, 'content');
    fs.mkdirSync(content);
    fs.copyFileSync(SCRIPT, path.join(content, 'trivy'));
    fs.chmodSync(path.join(content, 'trivy'), 0o755);
    fs.writeFileSync(path.join(content, 'LICENSE'), 'Stand-in scanner for the ALT_LAS test suite.\n');
    fs.writeFileSync(path.join(content, 'README.md'), `# trivy ${version} (stand-in)\n`);
    const name = `trivy_${version}_${platform}.tar.gz`;
    execFileSync('tar', ['-czf', path.join(dir, name), '-C', content, 'trivy', 'LICENSE', 'README.md']);
    return { name, bytes: fs.readFileSync(path.join(dir, name)) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Serves `/v<version>/trivy_<version>_Linux-64bit.tar.gz` and `/v<version>/trivy_<version>_checksums.txt`
 * on 127.0.0.1 like a release page, with injectable failures and tampering.
 */
export async function startTrivyReleaseServer(
  options: { version?: string } = {},
): Promise<TrivyReleaseServer> {
  const version = options.version ?? '0.69.3';
  const tarball = buildTrivyTarball(version);
  const tampered = Buffer.concat([tarball.bytes, Buffer.from('tampered')]);
  const checksums = [
    `${sha256(Buffer.from('other platform'))}  trivy_${version}_Linux-ARM64.tar.gz`,
    `${sha256(tarball.bytes)}  ${tarball.name}`,
    `${sha256(Buffer.from('deb package'))}  trivy_${version}_Linux-64bit.deb`,
  ].join('\n');
  const failures: { suffix: string; remaining: number; status: number }[] = [];
  const requests: string[] = [];
  let tamper = false;

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const failure = failures.find((f) => f.remaining > 0 && url.endsWith(f.suffix));
    if (failure) {
      failure.remaining--;
      res.writeHead(failure.status).end(`injected failure ${failure.status}`);
      return;
    }
    if (url === `/v${version}/${tarball.name}`) {
      res.writeHead(200, { 'content-type': 'application/gzip' }).end(tamper ? tampered : tarball.bytes);
    } else if (url === `/v${version}/trivy_${version}_checksums.txt`) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${checksums}\n`);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    version,
    tarballSha256: sha256(tarball.bytes),
    tarballName: tarball.name,
    requests,
    failNext: (suffix, times, status = 500) => failures.push({ suffix, remaining: times, status }),
    tamper: (on) => {
      tamper = on;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
