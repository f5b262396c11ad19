import { ConfigurationError, installTool, which, type Logger, type ToolCache } from '@alt-las/action-kit';

export const DEFAULT_KUBECTL_BASE_URL = 'https://dl.k8s.io/release';

const VERSION = /^v?(\d+\.\d+\.\d+)(?:@sha256:([a-f0-9]{64}))?$/;
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/**
 * Finds the kubectl to run. `path` uses the one on PATH. A version (`1.32.4`, optionally with
 * `@sha256:<hex>` to pin the binary) is downloaded through the tool cache and verified: against
 * the given pin when there is one, otherwise against the `.sha256` file published beside the binary.
 */
export async function resolveKubectl(
  version: string,
  deps: {
    logger: Logger;
    baseUrl?: string;
    cache?: ToolCache;
    find?: (program: string) => Promise<string | undefined>;
    fetchText?: (url: string) => Promise<string>;
    arch?: string;
  },
): Promise<string> {
  if (version === 'path' || version === '') {
    const found = await (deps.find ?? which)('kubectl');
    if (!found)
      throw new ConfigurationError(
        'kubectl is not on PATH; install it in an earlier step or set input "kubectl-version" to a release such as 1.32.4',
        'kubectl-version',
      );
    return found;
  }
  const match = VERSION.exec(version);
  if (!match)
    throw new ConfigurationError(
      `input "kubectl-version": got "${version}", expected "path" or a release such as 1.32.4 (optionally 1.32.4@sha256:<hex>)`,
      'kubectl-version',
    );
  const arch = ARCH[deps.arch ?? process.arch];
  if (!arch)
    throw new ConfigurationError(
      `input "kubectl-version": no kubectl download for architecture ${process.arch}`,
      'kubectl-version',
    );
  const url = `${(deps.baseUrl ?? DEFAULT_KUBECTL_BASE_URL).replace(/\/$/, '')}/v${match[1]}/bin/linux/${arch}/kubectl`;
  let sha256 = match[2];
  if (!sha256) {
    const published = (await (deps.fetchText ?? fetchText)(`${url}.sha256`)).trim().split(/\s+/)[0] ?? '';
    if (!/^[a-f0-9]{64}$/.test(published)) throw new Error(`${url}.sha256 does not hold a sha256 digest`);
    sha256 = published;
  }
  const installed = await installTool(
    { name: 'kubectl', version: match[1]!, url, format: 'binary', executable: 'kubectl', sha256 },
    { cache: deps.cache, logger: deps.logger },
  );
  return installed.path;
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response.text();
}
