import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest } from './errors';
import { findByPlural, type ResourceType } from './resources';

/** A request for a resource: /api/v1/... or /apis/<group>/<version>/... */
export interface ResourceRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function parseResourcePath(segments: string[]): ResourceRequest | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') [group, version, rest] = ['', 'v1', segments.slice(2)];
  else if (segments[0] === 'apis' && segments.length >= 4)
    [group, version, rest] = [segments[1]!, segments[2]!, segments.slice(3)];
  else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = findByPlural(group, version, rest[2]!);
    if (type?.namespaced && rest.length <= 5)
      return { type, namespace: rest[1], name: rest[3], subresource: rest[4] };
  }
  const type = findByPlural(group, version, rest[0]!);
  if (!type || rest.length > 3) return undefined;
  return { type, name: rest[1], subresource: rest[2] };
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON or YAML (apply patches are YAML, of which JSON is a subset). */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text.trim()) return undefined;
  try {
    return /yaml/.test(contentType ?? '') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `the request body is not valid ${/yaml/.test(contentType ?? '') ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
}

/** The manager named by `fieldManager`, else the client's user agent up to the first slash (as the API server does). */
export function fieldManagerOf(query: URLSearchParams, userAgent: string | undefined): string {
  return query.get('fieldManager') || (userAgent ?? 'unknown').split('/')[0]!;
}

export function patchKindOf(
  contentType: string | undefined,
): 'apply' | 'strategic' | 'merge' | 'json' | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim();
  return (
    {
      'application/apply-patch+yaml': 'apply',
      'application/strategic-merge-patch+json': 'strategic',
      'application/merge-patch+json': 'merge',
      'application/json-patch+json': 'json',
    } as const
  )[type];
}
