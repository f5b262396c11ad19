import * as crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  ConfigurationError,
  parseRetryAfter,
  retry,
  systemClock,
  type Clock,
  type Logger,
} from '@alt-las/action-kit';
import { nodeTransport, type HttpRequest, type HttpResponse, type HttpTransport } from './http-transport';
import { MANIFEST_ACCEPT, type OciDescriptor } from './media-types';
import { RegistryAuth, type Credentials } from './registry-auth';
import {
  describeErrorBody,
  DigestMismatchError,
  isTransient,
  RegistryAuthError,
  RegistryError,
  retryAfterOf,
} from './registry-errors';

export interface RegistryClientOptions {
  /** `ghcr.io`, `127.0.0.1:5000`, or with a scheme (`http://` for a plain-HTTP registry). */
  registry: string;
  credentials?: Credentials;
  transport?: HttpTransport;
  clock?: Clock;
  logger?: Pick<Logger, 'info' | 'warning' | 'debug'>;
  /** Time budget per registry operation, retries included. */
  deadlineMs?: number;
  /** Blobs above this size are sent in chunks of this size; smaller ones in one request. */
  chunkSize?: number;
  baseDelayMs?: number;
}

export type BlobTransfer = 'uploaded' | 'mounted';

const DEFAULT_CHUNK = 64 * 1024 * 1024;

/** Splits the registry input into the host used in image references and the base URL. */
export function registryEndpoint(registry: string): { host: string; baseUrl: string } {
  const match = /^(?:(https?):\/\/)?([a-z0-9.-]+(?::\d{1,5})?)\/?$/i.exec(registry.trim());
  if (!match) {
    throw new ConfigurationError(
      `input "registry": got "${registry}", expected a host such as ghcr.io or 127.0.0.1:5000 (optionally with http:// for a plain-HTTP registry)`,
      'registry',
    );
  }
  const host = match[2]!.toLowerCase();
  return { host, baseUrl: `${(match[1] ?? 'https').toLowerCase()}://${host}` };
}

/**
 * A client for the OCI distribution API: blob HEAD, cross-repository mount, monolithic and
 * chunked upload, manifest push with a digest check, tag listing. Every operation retries 429,
 * 5xx and connection failures with backoff, honouring Retry-After, within `deadlineMs`.
 */
export class RegistryClient {
  readonly host: string;
  private readonly baseUrl: string;
  private readonly transport: HttpTransport;
  private readonly auth: RegistryAuth;
  private readonly clock: Clock;
  private readonly deadlineMs: number;
  private readonly chunkSize: number;

  constructor(private readonly options: RegistryClientOptions) {
    ({ host: this.host, baseUrl: this.baseUrl } = registryEndpoint(options.registry));
    this.transport = options.transport ?? nodeTransport();
    this.clock = options.clock ?? systemClock;
    this.auth = new RegistryAuth(this.transport, options.credentials, () => this.clock.now());
    this.deadlineMs = options.deadlineMs ?? 300_000;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    const response = await this.operation(`HEAD blob ${digest.slice(7, 19)} in ${repository}`, () =>
      this.send(
        { method: 'HEAD', url: this.url(repository, `blobs/${digest}`) },
        [this.scope(repository, 'pull,push')],
        [200, 404],
      ),
    );
    return response.status === 200;
  }

  /** The digest a tag or digest reference resolves to, or undefined when it does not exist. */
  async manifestDigest(repository: string, reference: string): Promise<string | undefined> {
    const response = await this.operation(`HEAD manifest ${repository}:${reference}`, () =>
      this.send(
        {
          method: 'HEAD',
          url: this.url(repository, `manifests/${reference}`),
          headers: { accept: MANIFEST_ACCEPT },
        },
        [this.scope(repository, 'pull,push')],
        [200, 404],
      ),
    );
    return response.status === 200 ? response.headers['docker-content-digest'] : undefined;
  }

  /**
   * Makes `descriptor` exist in `repository`: mounted from `mountFrom` when that repository has
   * it (no bytes sent), otherwise uploaded from `open` in one request or in chunks.
   */
  async putBlob(
    repository: string,
    descriptor: OciDescriptor,
    open: (range?: { start: number; end: number }) => Readable,
    mountFrom?: string,
  ): Promise<BlobTransfer> {
    const scopes = mountFrom
      ? [this.scope(repository, 'pull,push'), this.scope(mountFrom, 'pull')]
      : [this.scope(repository, 'pull,push')];
    const short = descriptor.digest.slice(7, 19);
    return this.operation(`upload of blob ${short} to ${repository}`, async () => {
      const start = new URL(this.url(repository, 'blobs/uploads/'));
      if (mountFrom) {
        start.searchParams.set('mount', descriptor.digest);
        start.searchParams.set('from', this.path(mountFrom));
      }
      const started = await this.send(
        { method: 'POST', url: start.toString(), contentLength: 0 },
        scopes,
        [201, 202],
      );
      if (started.status === 201) return 'mounted';
      // The bytes are hashed as they go out, so a corrupt archive is named as such without a
      // second read; the registry checks the digest too and never commits such a blob.
      const hash = crypto.createHash('sha256');
      const hashed = (range?: { start: number; end: number }) =>
        open(range).on('data', (chunk: Buffer) => hash.update(chunk));
      const corrupt = () => {
        const actual = `sha256:${hash.digest('hex')}`;
        return actual === descriptor.digest
          ? undefined
          : new DigestMismatchError(
              `blob digest mismatch: the archive's content for ${descriptor.digest} hashes to ${actual}; the archive is corrupt`,
              0,
            );
      };
      let location = this.location(started);
      const monolithic = descriptor.size <= this.chunkSize;
      if (!monolithic) {
        for (let offset = 0; offset < descriptor.size; offset += this.chunkSize) {
          const end = Math.min(descriptor.size, offset + this.chunkSize);
          const chunk = await this.send(
            {
              method: 'PATCH',
              url: location,
              headers: {
                'content-type': 'application/octet-stream',
                'content-range': `${offset}-${end - 1}`,
              },
              body: () => hashed({ start: offset, end }),
              contentLength: end - offset,
            },
            scopes,
            [202],
          );
          location = this.location(chunk);
        }
        const mismatch = corrupt();
        if (mismatch) {
          await this.send({ method: 'DELETE', url: location }, scopes, [204, 404]).catch(() => undefined);
          throw mismatch;
        }
      }
      const finish = new URL(location);
      finish.searchParams.set('digest', descriptor.digest);
      let done: HttpResponse;
      try {
        done = await this.send(
          {
            method: 'PUT',
            url: finish.toString(),
            headers: { 'content-type': 'application/octet-stream' },
            body: monolithic ? () => hashed() : undefined,
            contentLength: monolithic ? descriptor.size : 0,
          },
          scopes,
          [201],
        );
      } catch (error) {
        // A registry refusing the digest (400) most likely saw the same corrupt bytes we sent.
        if (monolithic && error instanceof RegistryError && error.status === 400) throw corrupt() ?? error;
        throw error;
      }
      const mismatch = monolithic ? corrupt() : undefined;
      if (mismatch) throw mismatch;
      const stored = done.headers['docker-content-digest'];
      if (stored && stored !== descriptor.digest) {
        throw new DigestMismatchError(
          `registry stored blob ${stored} for ${descriptor.digest} in ${repository}`,
          done.status,
        );
      }
      return 'uploaded';
    });
  }

  /** Pushes manifest bytes under a digest or tag and checks the registry computed the same digest. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
    digest: string,
  ): Promise<void> {
    const response = await this.operation(`push of manifest ${repository}:${reference}`, () =>
      this.send(
        {
          method: 'PUT',
          url: this.url(repository, `manifests/${reference}`),
          headers: { 'content-type': mediaType },
          body: bytes,
        },
        [this.scope(repository, 'pull,push')],
        [201],
      ),
    );
    const stored = response.headers['docker-content-digest'];
    if (stored !== digest) {
      throw new DigestMismatchError(
        `registry answered Docker-Content-Digest ${stored ?? '(none)'} for ${repository}:${reference}, expected ${digest}`,
        response.status,
      );
    }
  }

  /** Every tag of a repository (following pagination); none when the repository does not exist yet. */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `${this.url(repository, 'tags/list')}?n=1000`;
    while (next) {
      const url: string = next;
      const response = await this.operation(`tag list of ${repository}`, () =>
        this.send({ method: 'GET', url }, [this.scope(repository, 'pull')], [200, 404]),
      );
      if (response.status === 404) return tags;
      tags.push(...((JSON.parse(response.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []));
      const link = /<([^>]+)>\s*;\s*rel="?next"?/.exec(response.headers.link ?? '');
      next = link ? new URL(link[1]!, this.baseUrl).toString() : undefined;
    }
    return tags;
  }

  private scope(repository: string, actions: string): string {
    return `repository:${this.path(repository)}:${actions}`;
  }

  /** Accepts `host/path` or bare `path`. */
  private path(repository: string): string {
    return repository.startsWith(`${this.host}/`) ? repository.slice(this.host.length + 1) : repository;
  }

  private url(repository: string, rest: string): string {
    return `${this.baseUrl}/v2/${this.path(repository)}/${rest}`;
  }

  private location(response: HttpResponse): string {
    const location = response.headers.location;
    if (!location)
      throw new RegistryError('registry started an upload without a Location header', response.status);
    return new URL(location, this.baseUrl).toString();
  }

  private operation<T>(description: string, attempt: () => Promise<T>): Promise<T> {
    return retry(attempt, {
      attempts: 12,
      baseDelayMs: this.options.baseDelayMs ?? 250,
      maxDelayMs: 8_000,
      deadlineMs: this.deadlineMs,
      retryable: isTransient,
      retryAfterMs: retryAfterOf,
      clock: this.clock,
      description,
      onRetry: ({ attempt: n, delayMs, error }) =>
        this.options.logger?.info(
          `${description}: ${(error as Error).message}; retry ${n} in ${(delayMs / 1000).toFixed(1)}s`,
        ),
    });
  }

  /** One request with authorization; a 401 is answered once with the challenge's credentials. */
  private async send(request: HttpRequest, scopes: string[], expect: number[]): Promise<HttpResponse> {
    const withAuth = (): HttpRequest => ({
      ...request,
      headers: { ...request.headers, ...this.auth.header(scopes) },
    });
    const first = withAuth();
    let response = await this.transport(first);
    if (
      response.status === 401 &&
      (await this.auth.challenge(response.headers['www-authenticate'], scopes, first.headers?.authorization))
    ) {
      response = await this.transport(withAuth());
    }
    if (expect.includes(response.status)) return response;
    const target = `${request.method} ${new URL(request.url).pathname}`;
    const { code, detail } = describeErrorBody(response.body);
    if (response.status === 401 || response.status === 403) {
      throw new RegistryAuthError(
        `${this.host} refused ${target} (HTTP ${response.status}${detail ? `, ${detail}` : ''}): ${
          response.status === 401
            ? `the credentials${this.options.credentials ? ` of "${this.options.credentials.username}"` : ''} were not accepted; check the username and token`
            : 'the account lacks permission (on GHCR the token needs packages: write)'
        }`,
        response.status,
        undefined,
        code,
      );
    }
    throw new RegistryError(
      `${target}: HTTP ${response.status}${detail ? ` (${detail})` : ''}`,
      response.status,
      parseRetryAfter(response.headers['retry-after'], this.clock.now()),
      code,
    );
  }
}
