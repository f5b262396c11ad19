import { parse, stringify } from 'yaml';

/**
 * Debian's promtool is built without Kubernetes service discovery, so it rejects
 * `kubernetes_sd_configs` as an unknown field. This checks those blocks against the fields Prometheus
 * documents for them and hands promtool a copy in which each is replaced by a static target; every
 * other part of the configuration (relabelling, authorisation, TLS, intervals, rule files) is still
 * checked by promtool itself.
 */
const SD_FIELDS = [
  'role',
  'namespaces',
  'selectors',
  'api_server',
  'kubeconfig_file',
  'attach_metadata',
  'follow_redirects',
  'enable_http2',
  'tls_config',
  'authorization',
];
const ROLES = ['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress'];
const NAMESPACE_FIELDS = ['names', 'own_namespace'];

interface ScrapeConfig {
  job_name: string;
  kubernetes_sd_configs?: Record<string, unknown>[];
  static_configs?: { targets: string[] }[];
}

export function kubernetesDiscoveryProblems(configText: string): string[] {
  const config = parse(configText) as { scrape_configs?: ScrapeConfig[] };
  const problems: string[] = [];
  for (const job of config.scrape_configs ?? []) {
    (job.kubernetes_sd_configs ?? []).forEach((sd, index) => {
      const at = `${job.job_name}: kubernetes_sd_configs[${index}]`;
      for (const key of Object.keys(sd).filter((field) => !SD_FIELDS.includes(field)))
        problems.push(`${at}.${key}: unknown field`);
      if (!ROLES.includes(sd.role as string)) problems.push(`${at}.role: must be one of ${ROLES.join(', ')}`);
      const namespaces = (sd.namespaces ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(namespaces).filter((field) => !NAMESPACE_FIELDS.includes(field)))
        problems.push(`${at}.namespaces.${key}: unknown field`);
      if (
        namespaces.names !== undefined &&
        !(Array.isArray(namespaces.names) && namespaces.names.every((name) => typeof name === 'string'))
      ) {
        problems.push(`${at}.namespaces.names: must be a list of namespace names`);
      }
    });
  }
  return problems;
}

/** The configuration with each Kubernetes discovery replaced by one static placeholder target. */
export function withStaticTargets(configText: string): string {
  const config = parse(configText) as { scrape_configs?: ScrapeConfig[] };
  for (const job of config.scrape_configs ?? []) {
    if (!job.kubernetes_sd_configs) continue;
    delete job.kubernetes_sd_configs;
    job.static_configs = [{ targets: ['discovered.invalid:80'] }];
  }
  return stringify(config);
}
