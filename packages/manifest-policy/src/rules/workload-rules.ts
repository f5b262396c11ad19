import { finding, missing, type Finding } from '../findings';
import {
  containersOf,
  findPod,
  resolvePort,
  type Container,
  type PodTemplate,
  type Probe,
} from '../pod-templates';
import type { PolicyContext, PolicyRule } from '../rule';
import { selects } from '../selectors';
import type { ServiceExpectation } from '../expectations';

/** Each expected service's Deployment pod template; a missing one is reported by `replicas`. */
function servicePods(
  context: PolicyContext,
): { service: ServiceExpectation; pod: PodTemplate; container: Container; path: string }[] {
  return context.expect.services.flatMap((service) => {
    const pod = findPod(context.pods, service.name, context.expect.namespace);
    if (!pod || pod.kind !== 'Deployment') return [];
    const index = pod.spec.containers.findIndex((container) => container.name === service.name);
    if (index < 0) return [];
    return [
      { service, pod, container: pod.spec.containers[index]!, path: `${pod.specPath}.containers[${index}]` },
    ];
  });
}

export const replicasRule: PolicyRule = {
  id: 'replicas',
  description:
    'Each service is a Deployment (PostgreSQL a StatefulSet) with the replica count of the production plan',
  check({ expect, pods }) {
    const findings: Finding[] = [];
    const wanted = [
      ...expect.services.map((service) => ({
        name: service.name,
        kind: 'Deployment',
        replicas: service.replicas,
        file: `${service.name}.yaml`,
      })),
      {
        name: expect.database.name,
        kind: 'StatefulSet',
        replicas: expect.database.replicas,
        file: `${expect.database.name}.yaml`,
      },
    ];
    for (const { name, kind, replicas, file } of wanted) {
      const pod = findPod(pods, name, expect.namespace);
      if (!pod || pod.kind !== kind) {
        findings.push(
          missing(
            this.id,
            file,
            `${kind} ${expect.namespace}/${name}`,
            `no ${kind} named ${name} in ${expect.namespace}`,
          ),
        );
      } else if (pod.replicas !== replicas) {
        findings.push(
          finding(
            this.id,
            pod.document,
            'spec.replicas',
            `expected ${replicas} replicas, found ${pod.replicas}`,
          ),
        );
      } else if (pod.spec.containers.every((container) => container.name !== name)) {
        findings.push(
          finding(this.id, pod.document, `${pod.specPath}.containers`, `no container named ${name}`),
        );
      }
    }
    return findings;
  },
};

function checkHttpProbe(
  probe: Probe | undefined,
  service: ServiceExpectation,
  container: Container,
): string | undefined {
  if (!probe) return 'is missing';
  if (!probe.httpGet) return `must be an HTTP GET of ${service.health}`;
  if (probe.httpGet.path !== service.health)
    return `path is ${probe.httpGet.path}, expected ${service.health}`;
  const port = resolvePort(container, probe.httpGet.port);
  if (port !== service.port)
    return `port ${String(probe.httpGet.port)} is not the service port ${service.port}`;
  return undefined;
}

export const probesRule: PolicyRule = {
  id: 'probes',
  description:
    'Startup, readiness and liveness probes on the real port and health path (pg_isready for PostgreSQL)',
  check(context) {
    const findings: Finding[] = [];
    for (const { service, pod, container, path } of servicePods(context)) {
      for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
        const problem = checkHttpProbe(container[kind], service, container);
        if (problem) findings.push(finding(this.id, pod.document, `${path}.${kind}`, problem));
      }
    }
    const database = findPod(context.pods, context.expect.database.name, context.expect.namespace);
    const index =
      database?.spec.containers.findIndex((container) => container.name === context.expect.database.name) ??
      -1;
    if (database && index >= 0) {
      const container = database.spec.containers[index]!;
      for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
        const command = container[kind]?.exec?.command?.join(' ') ?? '';
        if (!/\bpg_isready\b/.test(command) || !command.includes(String(context.expect.database.port))) {
          findings.push(
            finding(
              this.id,
              database.document,
              `${database.specPath}.containers[${index}].${kind}`,
              `must run pg_isready against port ${context.expect.database.port}`,
            ),
          );
        }
      }
    }
    return findings;
  },
};
export const writableTmpRule: PolicyRule = {
  id: 'writable-tmp',
  description: 'Service and database containers (read-only root) get an emptyDir at /tmp',
  check(context) {
    const findings: Finding[] = [];
    const names = [...context.expect.services.map((service) => service.name), context.expect.database.name];
    for (const name of names) {
      const pod = findPod(context.pods, name, context.expect.namespace);
      const index = pod?.spec.containers.findIndex((container) => container.name === name) ?? -1;
      if (!pod || index < 0) continue;
      const mount = pod.spec.containers[index]!.volumeMounts?.find((entry) => entry.mountPath === '/tmp');
      const volume = pod.spec.volumes?.find((entry) => entry.name === mount?.name);
      if (!mount || !volume?.emptyDir) {
        findings.push(
          finding(
            this.id,
            pod.document,
            `${pod.specPath}.containers[${index}].volumeMounts`,
            `container ${name} needs an emptyDir volume mounted at /tmp`,
          ),
        );
      }
    }
    return findings;
  },
};

export const disruptionBudgetRule: PolicyRule = {
  id: 'disruption-budget',
  description: 'Each service has a PodDisruptionBudget that lets a node drain but keeps at least one pod',
  check(context) {
    const findings: Finding[] = [];
    const budgets = context.documents.filter((document) => document.object.kind === 'PodDisruptionBudget');
    for (const { service, pod } of servicePods(context)) {
      const matching = budgets.filter(
        (budget) =>
          budget.object.metadata?.namespace === pod.namespace &&
          selects((budget.object.spec as { selector?: never })?.selector, pod.labels),
      );
      if (matching.length !== 1) {
        findings.push(
          missing(
            this.id,
            `${service.name}.yaml`,
            `PodDisruptionBudget for ${service.name}`,
            `expected exactly one PodDisruptionBudget selecting ${service.name}, found ${matching.length}`,
          ),
        );
        continue;
      }
      const budget = matching[0]!;
      const spec = budget.object.spec as { minAvailable?: number | string; maxUnavailable?: number | string };
      const replicas = pod.replicas ?? 1;
      const keeps =
        typeof spec.minAvailable === 'number'
          ? spec.minAvailable
          : typeof spec.maxUnavailable === 'number'
            ? replicas - spec.maxUnavailable
            : undefined;
      if (keeps === undefined) {
        findings.push(finding(this.id, budget, 'spec', 'set minAvailable or maxUnavailable as a number'));
      } else if (keeps < 1 || keeps >= replicas) {
        findings.push(
          finding(
            this.id,
            budget,
            spec.minAvailable !== undefined ? 'spec.minAvailable' : 'spec.maxUnavailable',
            `keeps ${keeps} of ${replicas} pods; it must keep at least 1 and allow at least 1 to be evicted`,
          ),
        );
      }
    }
    return findings;
  },
};

export const spreadRule: PolicyRule = {
  id: 'spread',
  description: 'Replicas of each service are spread across nodes',
  check(context) {
    const findings: Finding[] = [];
    for (const { pod } of servicePods(context)) {
      if ((pod.replicas ?? 1) < 2) continue;
      const spread = (pod.spec.topologySpreadConstraints ?? []).some(
        (constraint) =>
          constraint.topologyKey === 'kubernetes.io/hostname' &&
          selects(constraint.labelSelector, pod.labels),
      );
      const anti = pod.spec.affinity?.podAntiAffinity;
      const separated = [
        ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((term) => term.podAffinityTerm),
      ].some(
        (term) => term.topologyKey === 'kubernetes.io/hostname' && selects(term.labelSelector, pod.labels),
      );
      if (!spread && !separated) {
        findings.push(
          finding(
            this.id,
            pod.document,
            `${pod.specPath}.topologySpreadConstraints`,
            `${pod.name} needs a kubernetes.io/hostname spread constraint (or pod anti-affinity) selecting its own pods`,
          ),
        );
      }
    }
    return findings;
  },
};

export const scrapeAnnotationsRule: PolicyRule = {
  id: 'scrape-annotations',
  description:
    'Each service pod carries prometheus.io scrape, port and path annotations; a scrape port is a container port',
  check(context) {
    const findings: Finding[] = [];
    const at = 'spec.template.metadata.annotations';
    for (const { service, pod } of servicePods(context)) {
      if (pod.annotations['prometheus.io/scrape'] !== 'true')
        findings.push(finding(this.id, pod.document, `${at}["prometheus.io/scrape"]`, 'must be "true"'));
      if (pod.annotations['prometheus.io/port'] !== String(service.port))
        findings.push(
          finding(
            this.id,
            pod.document,
            `${at}["prometheus.io/port"]`,
            `must be "${service.port}", found ${JSON.stringify(pod.annotations['prometheus.io/port'])}`,
          ),
        );
      if (!pod.annotations['prometheus.io/path']?.startsWith('/'))
        findings.push(
          finding(this.id, pod.document, `${at}["prometheus.io/path"]`, 'must be the metrics path'),
        );
    }
    for (const pod of context.pods) {
      const port = pod.annotations['prometheus.io/port'];
      if (port === undefined) continue;
      if (!pod.spec.containers.some((container) => resolvePort(container, Number(port)) !== undefined)) {
        findings.push(
          finding(
            this.id,
            pod.document,
            `${at}["prometheus.io/port"]`,
            `port ${port} is not a container port of ${pod.name}`,
          ),
        );
      }
    }
    return findings;
  },
};

export const imagesRule: PolicyRule = {
  id: 'images',
  description:
    'Service images are the released ghcr.io repositories (pinned by k8s-deploy); no image is untagged or :latest',
  check(context) {
    const findings: Finding[] = [];
    for (const { service, pod, container, path } of servicePods(context)) {
      if (container.image !== service.image)
        findings.push(
          finding(
            this.id,
            pod.document,
            `${path}.image`,
            `expected ${service.image}, found ${container.image}`,
          ),
        );
    }
    for (const pod of context.pods) {
      for (const { container, path } of containersOf(pod)) {
        const image = container.image ?? '';
        const withoutDigest = image.split('@')[0]!;
        const tag =
          withoutDigest.lastIndexOf(':') > withoutDigest.lastIndexOf('/')
            ? withoutDigest.slice(withoutDigest.lastIndexOf(':') + 1)
            : undefined;
        if (!image.includes('@sha256:') && (tag === undefined || tag === 'latest')) {
          const problem = tag === undefined ? 'has no tag, which means :latest' : 'uses :latest';
          findings.push(
            finding(
              this.id,
              pod.document,
              `${path}.image`,
              `${image || '(no image)'} ${problem}; name a fixed version`,
            ),
          );
        }
      }
    }
    return findings;
  },
};
