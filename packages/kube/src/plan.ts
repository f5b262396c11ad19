import { stringify } from 'yaml';
import { containersOf, isWorkload, type KubeObject } from './kube-object';

export const REDACTED = '***';

/** A copy with every Secret value replaced, so a plan can be shown and stored. */
export function redactSecretObject(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret') return object;
  const hide = (values: unknown) =>
    values && typeof values === 'object'
      ? Object.fromEntries(Object.keys(values).map((key) => [key, REDACTED]))
      : values;
  return { ...object, data: hide(object.data), stringData: hide(object.stringData) } as KubeObject;
}

/** The rendered manifests as one YAML stream, Secret values redacted. */
export function renderPlan(objects: KubeObject[]): string {
  return objects
    .map((object) => stringify(JSON.parse(JSON.stringify(redactSecretObject(object))), { lineWidth: 0 }))
    .join('---\n');
}

/** Workload -> its containers' images, for the summary. */
export function workloadImages(
  objects: KubeObject[],
): { workload: string; containers: { name: string; image: string }[] }[] {
  return objects.filter(isWorkload).map((object) => ({
    workload: `${object.kind}/${object.metadata.name}`,
    containers: containersOf(object).map(({ name, image }) => ({ name, image })),
  }));
}

/**
 * `kubectl diff` prints Secret data masked already; this also hides any line of a Secret's
 * data/stringData block, for diffs from older clients or of objects kubectl does not recognise.
 */
export function redactSecretDiff(diff: string): string {
  const out: string[] = [];
  let inSecret = false;
  let dataIndent = -1;
  for (const line of diff.split('\n')) {
    if (/^diff |^\+\+\+ |^--- /.test(line)) {
      if (line.startsWith('diff ')) inSecret = /v1\.Secret\./.test(line);
      dataIndent = -1;
      out.push(line);
      continue;
    }
    const body = line.slice(1);
    const indent = body.length - body.trimStart().length;
    if (inSecret && /^\s*(data|stringData):\s*$/.test(body)) {
      dataIndent = indent;
      out.push(line);
      continue;
    }
    if (dataIndent >= 0 && body.trim() !== '' && indent > dataIndent) {
      out.push(line.replace(/^(.\s*[^:]+:).*$/, `$1 ${REDACTED}`));
      continue;
    }
    if (body.trim() !== '') dataIndent = -1;
    out.push(line);
  }
  return out.join('\n');
}
