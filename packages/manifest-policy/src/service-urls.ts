import { ofKind, type ManifestDocument } from './manifest-set';
import { podTemplates, resolvePort } from './pod-templates';
import { selects } from './selectors';

/** Where an in-cluster URL leads: the Service, its port, and the workloads and container port behind it. */
export interface ServiceTarget {
  service: string;
  namespace: string;
  port: number;
  containerPort: number;
  workloads: string[];
}

/**
 * Resolves `http://<service>[.<namespace>[.svc[.cluster.local]]]:<port>/...` against the manifests, the
 * way cluster DNS and kube-proxy would. Returns a description of what is wrong instead of a target, so
 * a configuration that points at a missing Service or port reads as a clear test failure.
 */
export function resolveServiceUrl(
  documents: ManifestDocument[],
  url: string,
  fromNamespace: string,
): ServiceTarget | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${url} is not a URL`;
  }
  const labels = parsed.hostname.split('.');
  const suffix = labels.slice(2).join('.');
  if (labels.length > 2 && suffix !== 'svc' && suffix !== 'svc.cluster.local')
    return `${parsed.hostname} is not a cluster Service name`;
  const [name, namespace = fromNamespace] = labels;
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  const service = ofKind(documents, 'Service', namespace).find(
    (document) => document.object.metadata?.name === name,
  );
  if (!service) return `no Service ${namespace}/${name}`;
  const spec = (service.object.spec ?? {}) as {
    selector?: Record<string, string>;
    ports?: { port: number; targetPort?: number | string }[];
  };
  const servicePort = spec.ports?.find((entry) => entry.port === port);
  if (!servicePort) return `Service ${namespace}/${name} has no port ${port}`;
  const pods = podTemplates(documents).filter(
    (pod) => pod.namespace === namespace && selects({ matchLabels: spec.selector ?? { '': '' } }, pod.labels),
  );
  const target = servicePort.targetPort ?? servicePort.port;
  const containerPorts = pods
    .flatMap((pod) => pod.spec.containers.map((container) => resolvePort(container, target)))
    .filter((entry) => entry !== undefined);
  if (pods.length === 0 || containerPorts.length === 0)
    return `Service ${namespace}/${name} port ${port} reaches no container port`;
  return {
    service: name!,
    namespace,
    port,
    containerPort: containerPorts[0]!,
    workloads: pods.map((pod) => pod.name),
  };
}
