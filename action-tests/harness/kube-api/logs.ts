import { ApiError, badRequest } from './errors';
import type { KubeObject } from './types';

/**
 * Canned container output, shaped by the pod's state so diagnosis code sees something plausible:
 * a started service logs its start-up, a crash-looping one its fatal error, a waiting one has no log.
 */
export function containerLog(pod: KubeObject, query: URLSearchParams): string {
  const containers = (pod.spec?.containers ?? []) as KubeObject[];
  const name = query.get('container') ?? (containers.length === 1 ? containers[0]!.name : undefined);
  if (!name)
    throw badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`,
    );
  const container = containers.find((c) => c.name === name);
  if (!container) throw badRequest(`container ${name} is not valid for pod ${pod.metadata.name}`);
  const status = ((pod.status?.containerStatuses ?? []) as KubeObject[]).find((s) => s.name === name);
  const waiting = status?.state?.waiting;
  const crashed = (status?.restartCount ?? 0) > 0 || status?.lastState?.terminated;
  if (query.get('previous') === 'true' && !status?.lastState?.terminated)
    throw badRequest(`previous terminated container "${name}" in pod "${pod.metadata.name}" not found`);
  if (waiting && !crashed)
    throw new ApiError(
      400,
      'BadRequest',
      `container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${waiting.reason === 'ContainerCreating' ? 'ContainerCreating' : 'trying and failing to pull image'}`,
    );
  const started = pod.status?.startTime ?? pod.metadata.creationTimestamp;
  const port = (container.ports as KubeObject[] | undefined)?.[0]?.containerPort;
  const lines = [
    `${started} INFO ${name} starting, image ${container.image}`,
    `${started} INFO ${name} configuration loaded`,
  ];
  if (crashed)
    lines.push(
      `${started} ERROR ${name} could not connect to dependency: connection refused`,
      `${started} FATAL ${name} exiting with status 1`,
    );
  else
    lines.push(
      `${started} INFO ${name} listening on port ${port ?? 8080}`,
      `${started} INFO ${name} GET /health 200`,
    );
  const tail = Number(query.get('tailLines') ?? lines.length);
  return `${lines.slice(Math.max(0, lines.length - tail)).join('\n')}\n`;
}
