import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { configMapData, writeConfigMapFiles } from '@alt-las/manifest-policy';
import { makeTempDir } from '../harness/paths';
import { productionDocuments } from './production-manifests';
import { kubernetesDiscoveryProblems, withStaticTargets } from './kubernetes-sd';
import { promtool } from './promtool';

const NS = 'atlas-production';
let dir: string;

beforeAll(() => {
  dir = makeTempDir('prometheus-config');
  // The files exactly as the configMap volume mounts them at /etc/prometheus.
  writeConfigMapFiles(productionDocuments(), NS, 'prometheus-config', dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('promtool check config accepts the scrape configuration and finds the rule file', () => {
  const original = fs.readFileSync(path.join(dir, 'prometheus.yml'), 'utf8');
  expect(original).toContain('kubernetes_sd_configs');
  // See kubernetes-sd.ts: the discovery blocks are checked here, everything else by promtool.
  expect(kubernetesDiscoveryProblems(original)).toEqual([]);
  // The ServiceAccount token the pod gets mounted; promtool insists that it exists.
  const token = path.join(dir, 'serviceaccount-token');
  fs.writeFileSync(token, 'token');
  const local = withStaticTargets(original).replaceAll(
    '/var/run/secrets/kubernetes.io/serviceaccount/token',
    token,
  );
  fs.writeFileSync(path.join(dir, 'prometheus.static.yml'), local);
  const { status, output } = promtool(['check', 'config', 'prometheus.static.yml'], dir);
  expect(output).toContain('SUCCESS: prometheus.static.yml is valid prometheus config file syntax');
  expect(output).toMatch(/SUCCESS: 7 rules found/);
  expect(status).toBe(0);
});

test('a misspelled Kubernetes discovery field or role is reported', () => {
  const original = fs.readFileSync(path.join(dir, 'prometheus.yml'), 'utf8');
  const broken = original
    .replace('- role: pod', '- role: pods')
    .replace('names: [atlas-production]', 'name: [atlas-production]');
  expect(kubernetesDiscoveryProblems(broken)).toEqual([
    'alt-las-pods: kubernetes_sd_configs[0].role: must be one of node, pod, service, endpoints, endpointslice, ingress',
    'alt-las-pods: kubernetes_sd_configs[0].namespaces.name: unknown field',
  ]);
});

test('promtool check rules accepts the alert rules', () => {
  const { status, output } = promtool(['check', 'rules', 'alerts.yml'], dir);
  expect(output).toContain('SUCCESS: 7 rules found');
  expect(status).toBe(0);
});

test('promtool check config fails on a broken copy (the check is real)', () => {
  const broken = path.join(dir, 'broken');
  fs.mkdirSync(broken);
  fs.writeFileSync(
    path.join(broken, 'alerts.yml'),
    configMapData(productionDocuments(), NS, 'prometheus-config')['alerts.yml']!.replace(
      '> 0.05',
      '> > 0.05',
    ),
  );
  const { status, output } = promtool(['check', 'rules', 'alerts.yml'], broken);
  expect(status).not.toBe(0);
  expect(output).toContain('HighErrorRate');
});

const labels = (service: string, pod: string) =>
  `{job="alt-las-pods", namespace="${NS}", service="${service}", pod="${pod}"}`;

/** promtool unit tests: input series, evaluation times and the alerts expected at each. */
const ruleTests = {
  rule_files: ['alerts.yml'],
  evaluation_interval: '1m',
  tests: [
    {
      name: 'a service with no answering pod is down after 2 minutes; a healthy one is not',
      interval: '1m',
      input_series: [
        { series: `up${labels('archive-service', 'archive-service-a')}`, values: '0x10' },
        { series: `up${labels('archive-service', 'archive-service-b')}`, values: '0x10' },
        { series: `up${labels('api-gateway', 'api-gateway-a')}`, values: '1x10' },
        { series: `up${labels('api-gateway', 'api-gateway-b')}`, values: '0x10' },
        { series: `up${labels('segmentation-service', 'segmentation-service-a')}`, values: '1x10' },
        { series: `up${labels('ai-orchestrator', 'ai-orchestrator-a')}`, values: '1x10' },
      ],
      alert_rule_test: [
        { eval_time: '1m', alertname: 'ServiceDown', exp_alerts: [] },
        {
          eval_time: '3m',
          alertname: 'ServiceDown',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical', namespace: NS, service: 'archive-service' },
              exp_annotations: {
                summary: 'archive-service is down',
                description:
                  'No archive-service pod has answered a scrape, or none is running, for 2 minutes.',
              },
            },
          ],
        },
      ],
    },
    {
      name: 'a service (or the database) with no pod at all is down too',
      interval: '1m',
      input_series: [
        { series: `up${labels('archive-service', 'archive-service-a')}`, values: '1x10' },
        { series: `up${labels('api-gateway', 'api-gateway-a')}`, values: '1x10' },
        { series: `up${labels('segmentation-service', 'segmentation-service-a')}`, values: '1x10' },
        { series: `up${labels('ai-orchestrator', 'ai-orchestrator-a')}`, values: '1 1 1' },
      ],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'ServiceDown', exp_alerts: [] },
        {
          eval_time: '10m',
          alertname: 'ServiceDown',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical', namespace: NS, service: 'ai-orchestrator' },
              exp_annotations: {
                summary: 'ai-orchestrator is down',
                description:
                  'No ai-orchestrator pod has answered a scrape, or none is running, for 2 minutes.',
              },
            },
          ],
        },
        {
          // No PostgreSQL pod is scraped in this case either.
          eval_time: '10m',
          alertname: 'DatabaseDown',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical', namespace: NS },
              exp_annotations: {
                summary: 'PostgreSQL is down',
                description:
                  'PostgreSQL (or its exporter) has not answered, or is not running, for 1 minute; the Archive Service cannot store anything.',
              },
            },
          ],
        },
      ],
    },
    {
      name: '10% of requests failing fires after 5 minutes; 1% does not',
      interval: '1m',
      input_series: [
        {
          series: `http_requests_total${labels('api-gateway', 'api-gateway-a').replace('}', ', status="200"}')}`,
          values: '0+90x20',
        },
        {
          series: `http_requests_total${labels('api-gateway', 'api-gateway-a').replace('}', ', status="503"}')}`,
          values: '0+10x20',
        },
        {
          series: `http_requests_total${labels('ai-orchestrator', 'ai-orchestrator-a').replace('}', ', status="200"}')}`,
          values: '0+99x20',
        },
        {
          series: `http_requests_total${labels('ai-orchestrator', 'ai-orchestrator-a').replace('}', ', status="500"}')}`,
          values: '0+1x20',
        },
      ],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'HighErrorRate', exp_alerts: [] },
        {
          eval_time: '12m',
          alertname: 'HighErrorRate',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical', namespace: NS, service: 'api-gateway' },
              exp_annotations: {
                summary: 'api-gateway fails 10% of requests',
                description: 'More than 5% of requests to api-gateway ended in a 5xx for 5 minutes.',
              },
            },
          ],
        },
      ],
    },
    {
      name: 'p95 latency over 1 s for 10 minutes',
      interval: '1m',
      input_series: [
        ...[
          ['0.5', '0'],
          ['1', '0'],
          ['2', '60'],
          ['+Inf', '60'],
        ].map(([le, step]) => ({
          series: `http_request_duration_seconds_bucket${labels('segmentation-service', 'segmentation-service-a').replace('}', `, le="${le}"}`)}`,
          values: `0+${step}x30`,
        })),
      ],
      alert_rule_test: [
        {
          eval_time: '20m',
          alertname: 'HighLatencyP95',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', namespace: NS, service: 'segmentation-service' },
              exp_annotations: {
                summary: 'segmentation-service p95 latency is 1.95s',
                description:
                  'The 95th percentile response time of segmentation-service has been over 1 s for 10 minutes.',
              },
            },
          ],
        },
      ],
    },
    {
      name: 'the database is down when PostgreSQL stops answering its exporter',
      interval: '1m',
      input_series: [
        { series: `pg_up${labels('postgres', 'postgres-0')}`, values: '1 1 0 0 0 0' },
        { series: `up${labels('postgres', 'postgres-0')}`, values: '1x5' },
      ],
      alert_rule_test: [
        { eval_time: '2m', alertname: 'DatabaseDown', exp_alerts: [] },
        {
          eval_time: '4m',
          alertname: 'DatabaseDown',
          exp_alerts: [
            {
              exp_labels: { severity: 'critical', namespace: NS },
              exp_annotations: {
                summary: 'PostgreSQL is down',
                description:
                  'PostgreSQL (or its exporter) has not answered, or is not running, for 1 minute; the Archive Service cannot store anything.',
              },
            },
          ],
        },
      ],
    },
    {
      name: 'a volume over 90% full; CPU and memory over 80% of the limit',
      interval: '1m',
      input_series: [
        {
          series: `kubelet_volume_stats_used_bytes{namespace="${NS}", persistentvolumeclaim="data-postgres-0"}`,
          values: '95x20',
        },
        {
          series: `kubelet_volume_stats_capacity_bytes{namespace="${NS}", persistentvolumeclaim="data-postgres-0"}`,
          values: '100x20',
        },
        {
          series: `kubelet_volume_stats_used_bytes{namespace="${NS}", persistentvolumeclaim="loki-data"}`,
          values: '50x20',
        },
        {
          series: `kubelet_volume_stats_capacity_bytes{namespace="${NS}", persistentvolumeclaim="loki-data"}`,
          values: '100x20',
        },
        {
          series: `container_cpu_usage_seconds_total{namespace="${NS}", pod="loki-0", container="loki"}`,
          values: '0+54x30',
        },
        {
          series: `container_spec_cpu_quota{namespace="${NS}", pod="loki-0", container="loki"}`,
          values: '100000x30',
        },
        {
          series: `container_spec_cpu_period{namespace="${NS}", pod="loki-0", container="loki"}`,
          values: '100000x30',
        },
        {
          series: `container_memory_working_set_bytes{namespace="${NS}", pod="grafana-0", container="grafana"}`,
          values: '900x30',
        },
        {
          series: `container_spec_memory_limit_bytes{namespace="${NS}", pod="grafana-0", container="grafana"}`,
          values: '1000x30',
        },
      ],
      alert_rule_test: [
        {
          eval_time: '10m',
          alertname: 'VolumeAlmostFull',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', namespace: NS, persistentvolumeclaim: 'data-postgres-0' },
              exp_annotations: {
                summary: 'data-postgres-0 is 95% full',
                description: 'A volume of atlas-production has been over 90% full for 5 minutes.',
              },
            },
          ],
        },
        {
          eval_time: '20m',
          alertname: 'HighCpuUsage',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', namespace: NS, pod: 'loki-0', container: 'loki' },
              exp_annotations: {
                summary: 'loki-0/loki uses 90% of its CPU limit',
                description:
                  'A container has used over 80% of its CPU limit for 10 minutes; it is being throttled.',
              },
            },
          ],
        },
        {
          eval_time: '20m',
          alertname: 'HighMemoryUsage',
          exp_alerts: [
            {
              exp_labels: { severity: 'warning', namespace: NS, pod: 'grafana-0', container: 'grafana' },
              exp_annotations: {
                summary: 'grafana-0/grafana uses 90% of its memory limit',
                description:
                  'A container has used over 80% of its memory limit for 10 minutes; it risks being OOM-killed.',
              },
            },
          ],
        },
      ],
    },
  ],
};

test('promtool test rules: every alert fires on its condition, and not before its hold time', () => {
  fs.writeFileSync(path.join(dir, 'alerts.test.yml'), stringify(ruleTests));
  const { status, output } = promtool(['test', 'rules', 'alerts.test.yml'], dir);
  expect(output).toContain('SUCCESS');
  expect(status).toBe(0);
});

test('promtool test rules fails when an expected alert does not fire (the check is real)', () => {
  const wrong = structuredClone(ruleTests);
  wrong.tests = [wrong.tests[0]!];
  wrong.tests[0]!.input_series[0]!.values = '1x10';
  wrong.tests[0]!.input_series[1]!.values = '1x10';
  fs.writeFileSync(path.join(dir, 'wrong.test.yml'), stringify(wrong));
  const { status, output } = promtool(['test', 'rules', 'wrong.test.yml'], dir);
  expect(status).not.toBe(0);
  expect(output).toContain('alertname: ServiceDown');
});
