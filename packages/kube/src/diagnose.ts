import { errorMessage, type SecretRedactor } from '@alt-las/action-kit';
import { objectKey, type KubeObject } from './kube-object';
import type { Kubectl } from './kubectl';
import { podProblem } from './rollout-status';
import type { WorkloadFailure } from './rollout-waiter';

export interface PodDiagnosis {
  name: string;
  phase: string;
  problem?: string;
  containers: { name: string; state: string; restarts: number }[];
  logs: { container: string; lines: string[] }[];
}

export interface Diagnosis {
  workload: string;
  reason: string;
  pods: PodDiagnosis[];
  events: string[];
}

const LOG_LINES = 20;
const EVENTS = 15;

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: Record<string, { reason?: string; message?: string; exitCode?: number }>;
}

function describeState(status: ContainerStatus): string {
  const [phase, detail] = Object.entries(status.state ?? {})[0] ?? ['unknown', {}];
  const parts = [phase, detail.reason, detail.exitCode !== undefined ? `exit ${detail.exitCode}` : undefined];
  return parts.filter(Boolean).join(' ');
}

function selectorOf(workload: KubeObject): Record<string, string> {
  return ((workload.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector
    ?.matchLabels ?? {}) as Record<string, string>;
}

/**
 * Gathers what a person needs to see why a rollout failed: the workload's pods and their container
 * states, recent events about the workload and its pods, and the last log lines of failing
 * containers. Every text goes through the redactor; a step that fails is noted, not fatal.
 */
export async function diagnoseFailures(
  failures: WorkloadFailure[],
  workloads: KubeObject[],
  deps: { kubectl: Kubectl; redactor: SecretRedactor },
): Promise<Diagnosis[]> {
  const redact = (text: string) => deps.redactor.redact(text);
  const byKey = new Map(workloads.map((workload) => [objectKey(workload), workload]));
  const namespaces = [...new Set(workloads.map((workload) => workload.metadata.namespace ?? 'default'))];
  const pods: KubeObject[] = [];
  const events: KubeObject[] = [];
  for (const namespace of namespaces) {
    try {
      pods.push(
        ...(await deps.kubectl.json<{ items: KubeObject[] }>(['get', 'pods', '-n', namespace])).items,
      );
      events.push(
        ...(await deps.kubectl.json<{ items: KubeObject[] }>(['get', 'events', '-n', namespace])).items,
      );
    } catch (error) {
      failures = failures.map((failure) => ({
        ...failure,
        reason: `${failure.reason} (diagnosis incomplete: ${errorMessage(error)})`,
      }));
    }
  }
  const diagnoses: Diagnosis[] = [];
  for (const failure of failures) {
    const workload = byKey.get(failure.workload);
    const selector = workload ? selectorOf(workload) : {};
    const own = pods.filter(
      (pod) =>
        pod.metadata.namespace === workload?.metadata.namespace &&
        Object.keys(selector).length > 0 &&
        Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value),
    );
    const podDiagnoses: PodDiagnosis[] = [];
    for (const pod of own) {
      const statuses =
        (pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
      const problem = podProblem(pod);
      const logs: PodDiagnosis['logs'] = [];
      for (const status of statuses.filter(
        (entry) => problem?.includes(entry.name) || (entry.restartCount ?? 0) > 0,
      )) {
        const result = await deps.kubectl
          .run(
            [
              'logs',
              '-n',
              pod.metadata.namespace ?? 'default',
              pod.metadata.name,
              '-c',
              status.name,
              `--tail=${LOG_LINES}`,
            ],
            {
              accept: [0, 1],
            },
          )
          .catch(() => undefined);
        const lines = (result?.exitCode === 0 ? result.stdout : '').split('\n').filter((line) => line !== '');
        if (lines.length > 0) logs.push({ container: status.name, lines: lines.map(redact) });
      }
      podDiagnoses.push({
        name: pod.metadata.name,
        phase: String((pod.status as { phase?: string } | undefined)?.phase ?? 'Unknown'),
        problem: problem && redact(problem),
        containers: statuses.map((status) => ({
          name: status.name,
          state: describeState(status),
          restarts: status.restartCount ?? 0,
        })),
        logs,
      });
    }
    const names = new Set([workload?.metadata.name, ...own.map((pod) => pod.metadata.name)]);
    const related = events
      .filter((event) => {
        const involved = (event as { involvedObject?: { name?: string } }).involvedObject?.name ?? '';
        return (
          names.has(involved) || (workload !== undefined && involved.startsWith(`${workload.metadata.name}-`))
        );
      })
      .sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
      .slice(-EVENTS)
      .map((event) => {
        const e = event as {
          type?: string;
          reason?: string;
          message?: string;
          involvedObject?: { kind?: string; name?: string };
        };
        return redact(
          `${e.type ?? ''} ${e.reason ?? ''} ${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}: ${e.message ?? ''}`.trim(),
        );
      });
    diagnoses.push({
      workload: failure.workload,
      reason: redact(failure.reason),
      pods: podDiagnoses,
      events: related,
    });
  }
  return diagnoses;
}

function eventTime(event: KubeObject): string {
  const e = event as {
    lastTimestamp?: string;
    eventTime?: string;
    metadata: { creationTimestamp?: unknown };
  };
  return String(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '');
}

/** Markdown for the job summary. */
export function diagnosisMarkdown(diagnoses: Diagnosis[]): string {
  return diagnoses
    .map((diagnosis) => {
      const lines = [`**${diagnosis.workload.replace(/\/[^/]*\//, '/')}**: ${diagnosis.reason}`, ''];
      for (const pod of diagnosis.pods) {
        lines.push(
          `- pod \`${pod.name}\` (${pod.phase})${pod.problem ? `: ${pod.problem}` : ''}; containers: ${
            pod.containers.map((c) => `${c.name} ${c.state}, ${c.restarts} restart(s)`).join('; ') ||
            'none reported'
          }`,
        );
        for (const log of pod.logs)
          lines.push(
            '',
            `  last log lines of ${log.container}:`,
            '',
            '  ```',
            ...log.lines.map((l) => `  ${l}`),
            '  ```',
          );
      }
      if (diagnosis.events.length > 0)
        lines.push('', 'Recent events:', '', ...diagnosis.events.map((event) => `- ${event}`));
      return lines.join('\n');
    })
    .join('\n\n');
}
