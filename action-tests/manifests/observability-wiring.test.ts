import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { configMapData, resolveServiceUrl, type ManifestDocument } from '@alt-las/manifest-policy';
import { makeTempDir } from '../harness/paths';
import { podSpecOf, productionDocuments } from './production-manifests';
import { promtool } from './promtool';

const NS = 'atlas-production';
const documents: ManifestDocument[] = productionDocuments();

/** The ConfigMap key a container reads through a volume at `file` (mount path + key). */
function mountedKey(kind: string, name: string, namespace: string, file: string): string {
  const spec = podSpecOf(documents, kind, name, namespace);
  const mounts = spec.containers.flatMap(
    (container: { volumeMounts?: { name: string; mountPath: string }[] }) => container.volumeMounts ?? [],
  );
  const mount = mounts.find((entry: { mountPath: string }) => file.startsWith(`${entry.mountPath}/`));
  if (!mount) throw new Error(`${file} is not under a volume mount of ${name}`);
  const volume = spec.volumes.find((entry: { name: string }) => entry.name === mount.name);
  const key = file.slice(mount.mountPath.length + 1);
  const data = configMapData(documents, namespace, volume.configMap.name);
  if (!(key in data)) throw new Error(`ConfigMap ${volume.configMap.name} has no key ${key}`);
  return data[key]!;
}

function argument(kind: string, name: string, namespace: string, flag: string): string {
  const args: string[] = podSpecOf(documents, kind, name, namespace).containers[0].args;
  const value = args.find((entry) => entry.startsWith(`${flag}=`));
  if (!value) throw new Error(`${name} has no ${flag} argument`);
  return value.slice(flag.length + 1);
}

function containerPorts(kind: string, name: string, namespace = NS): number[] {
  return podSpecOf(documents, kind, name, namespace).containers[0].ports.map(
    (port: { containerPort: number }) => port.containerPort,
  );
}

describe('Grafana provisioning', () => {
  const datasources = parse(configMapData(documents, NS, 'grafana-datasources')['datasources.yaml']!) as {
    apiVersion: number;
    datasources: { name: string; uid: string; type: string; url: string; isDefault?: boolean }[];
  };

  test('the data sources reach the Prometheus and Loki Services on their ports', () => {
    expect(datasources.apiVersion).toBe(1);
    const byType = Object.fromEntries(datasources.datasources.map((source) => [source.type, source]));
    expect(resolveServiceUrl(documents, byType.prometheus!.url, NS)).toEqual({
      service: 'prometheus',
      namespace: NS,
      port: 9090,
      containerPort: 9090,
      workloads: ['prometheus'],
    });
    expect(resolveServiceUrl(documents, byType.loki!.url, NS)).toEqual({
      service: 'loki',
      namespace: NS,
      port: 3100,
      containerPort: 3100,
      workloads: ['loki'],
    });
    expect(datasources.datasources.filter((source) => source.isDefault)).toHaveLength(1);
  });

  test('the dashboard is found by the provider and uses only provisioned data sources', () => {
    const providers = parse(
      configMapData(documents, NS, 'grafana-dashboard-provider')['dashboards.yaml']!,
    ) as {
      providers: { type: string; options: { path: string } }[];
    };
    expect(providers.providers).toHaveLength(1);
    const provider = providers.providers[0]!;
    expect(provider.type).toBe('file');
    const dashboard = JSON.parse(
      mountedKey('Deployment', 'grafana', NS, `${provider.options.path}/alt-las-overview.json`),
    ) as {
      uid: string;
      title: string;
      panels: { title: string; datasource: { type: string; uid: string }; targets: { expr: string }[] }[];
    };
    expect(dashboard.title).toBe('ALT_LAS overview');
    const uids = new Set(datasources.datasources.map((source) => `${source.type}/${source.uid}`));
    for (const panel of dashboard.panels) {
      expect([...uids]).toContain(`${panel.datasource.type}/${panel.datasource.uid}`);
      expect(panel.targets.length).toBeGreaterThan(0);
    }
    expect(dashboard.panels.map((panel) => panel.datasource.type)).toEqual(
      expect.arrayContaining(['prometheus', 'loki']),
    );

    // promtool parses every PromQL query of the dashboard (as recording rules).
    const queries = dashboard.panels
      .filter((panel) => panel.datasource.type === 'prometheus')
      .flatMap((panel) => panel.targets.map((target) => target.expr));
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: queries.map((expr, index) => ({ record: `dashboard:query_${index}`, expr })),
        },
      ],
    };
    const dir = makeTempDir('dashboard-queries');
    try {
      fs.writeFileSync(path.join(dir, 'queries.yml'), stringify(rules));
      const { status, output } = promtool(['check', 'rules', 'queries.yml'], dir);
      expect(output).toContain(`SUCCESS: ${queries.length} rules found`);
      expect(status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Grafana is served on the port its Service and Ingress use', () => {
    expect(resolveServiceUrl(documents, 'http://grafana:3000/', NS)).toMatchObject({
      containerPort: 3000,
      workloads: ['grafana'],
    });
  });
});

describe('Loki and Promtail', () => {
  const loki = parse(
    mountedKey('Deployment', 'loki', NS, argument('Deployment', 'loki', NS, '-config.file')),
  ) as {
    server: { http_listen_port: number };
    common: { path_prefix: string; storage: { filesystem: Record<string, string> } };
    compactor: { working_directory: string };
  };
  const promtail = parse(
    mountedKey(
      'DaemonSet',
      'promtail',
      'atlas-logging',
      argument('DaemonSet', 'promtail', 'atlas-logging', '-config.file'),
    ),
  ) as {
    server: { http_listen_port: number };
    positions: { filename: string };
    clients: { url: string }[];
    scrape_configs: {
      kubernetes_sd_configs: { role: string; namespaces: { names: string[] } }[];
      relabel_configs: { target_label: string; replacement?: string }[];
    }[];
  };

  test('Loki listens on the port its Service targets and keeps its data on the persistent volume', () => {
    expect(
      resolveServiceUrl(documents, 'http://loki.atlas-production.svc.cluster.local:3100', NS),
    ).toMatchObject({
      containerPort: loki.server.http_listen_port,
    });
    const data = podSpecOf(documents, 'Deployment', 'loki').containers[0].volumeMounts.find(
      (mount: { name: string }) => mount.name === 'data',
    );
    for (const directory of [
      loki.common.path_prefix,
      ...Object.values(loki.common.storage.filesystem),
      loki.compactor.working_directory,
    ]) {
      expect(`${directory}/`.startsWith(`${data.mountPath}/`)).toBe(true);
    }
  });

  test('Promtail pushes to the Loki Service push endpoint, from the logging namespace', () => {
    expect(promtail.clients).toHaveLength(1);
    const url = new URL(promtail.clients[0]!.url);
    expect(url.pathname).toBe('/loki/api/v1/push');
    expect(resolveServiceUrl(documents, promtail.clients[0]!.url, 'atlas-logging')).toMatchObject({
      service: 'loki',
      namespace: NS,
      containerPort: loki.server.http_listen_port,
    });
  });

  test('Promtail ships the pod logs of atlas-production from the mounted host directory', () => {
    const [job] = promtail.scrape_configs;
    expect(job!.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: [NS] } }]);
    const path = job!.relabel_configs.find((rule) => rule.target_label === '__path__')!.replacement!;
    const spec = podSpecOf(documents, 'DaemonSet', 'promtail', 'atlas-logging');
    const logs = spec.containers[0].volumeMounts.find((mount: { mountPath: string }) =>
      path.startsWith(`${mount.mountPath}/`),
    );
    expect(logs).toMatchObject({ mountPath: '/var/log/pods', readOnly: true });
    expect(spec.volumes.find((volume: { name: string }) => volume.name === logs.name).hostPath.path).toBe(
      '/var/log/pods',
    );
    // Promtail keeps only targets on its own node: __host__ against HOSTNAME, which is the node name.
    expect(job!.relabel_configs.some((rule) => rule.target_label === '__host__')).toBe(true);
    expect(spec.containers[0].env).toContainEqual({
      name: 'HOSTNAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
    const positions = spec.containers[0].volumeMounts.find((mount: { mountPath: string }) =>
      promtail.positions.filename.startsWith(`${mount.mountPath}/`),
    );
    expect(positions?.readOnly).not.toBe(true);
  });

  test('Promtail serves its probes on the port it listens on', () => {
    expect(containerPorts('DaemonSet', 'promtail', 'atlas-logging')).toEqual([
      promtail.server.http_listen_port,
    ]);
    const container = podSpecOf(documents, 'DaemonSet', 'promtail', 'atlas-logging').containers[0];
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'])
      expect(container[probe].httpGet.port).toBe(promtail.server.http_listen_port);
  });
});

describe('service configuration', () => {
  test('the gateway reaches the three services at their Service names and ports', () => {
    const config = configMapData(documents, NS, 'api-gateway-config');
    const targets = ['SEGMENTATION_SERVICE_URL', 'AI_ORCHESTRATOR_URL', 'ARCHIVE_SERVICE_URL'].map((key) =>
      resolveServiceUrl(documents, config[key]!, NS),
    );
    expect(targets).toEqual([
      {
        service: 'segmentation-service',
        namespace: NS,
        port: 8000,
        containerPort: 8000,
        workloads: ['segmentation-service'],
      },
      {
        service: 'ai-orchestrator',
        namespace: NS,
        port: 8001,
        containerPort: 8001,
        workloads: ['ai-orchestrator'],
      },
      {
        service: 'archive-service',
        namespace: NS,
        port: 9000,
        containerPort: 9000,
        workloads: ['archive-service'],
      },
    ]);
  });

  test('the archive reaches PostgreSQL at the database Service and port', () => {
    const config = configMapData(documents, NS, 'archive-service-config');
    expect(
      resolveServiceUrl(documents, `postgres://${config.DB_HOST}:${config.DB_PORT}/${config.DB_NAME}`, NS),
    ).toMatchObject({
      service: 'postgres',
      containerPort: 5432,
      workloads: ['postgres'],
    });
    expect(config.DB_NAME).toBe(configMapData(documents, NS, 'postgres-config').POSTGRES_DB);
  });

  test('a URL to a missing Service or port is explained', () => {
    expect(resolveServiceUrl(documents, 'http://loki.atlas-production.svc.cluster.local:3101', NS)).toBe(
      'Service atlas-production/loki has no port 3101',
    );
    expect(resolveServiceUrl(documents, 'http://lokii:3100', NS)).toBe('no Service atlas-production/lokii');
    expect(resolveServiceUrl(documents, 'http://loki.example.com:3100', NS)).toBe(
      'loki.example.com is not a cluster Service name',
    );
  });
});
