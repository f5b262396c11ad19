import type { Labels } from './selectors';

/** What the production manifests must provide; the rules compare the manifests against it. */
export interface ServiceExpectation {
  name: string;
  port: number;
  health: string;
  replicas: number;
  /** The rendered image reference the Deployment must use (k8s-deploy pins it by digest). */
  image: string;
}

/** A workload of the manifests, or a pod outside them described by namespace and labels. */
export type EndpointRef =
  { workload: string; namespace?: string } | { outside: string; namespace: string; labels: Labels };

export interface Flow {
  from: EndpointRef;
  to: EndpointRef;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

export interface SecretReference {
  workload: string;
  env: string;
  secret: string;
  key: string;
}

export interface PolicyExpectations {
  /** The namespace of the application; Pod Security `restricted` is enforced there. */
  namespace: string;
  services: ServiceExpectation[];
  database: { name: string; port: number; replicas: number };
  /** Secret name -> keys: the only Secrets a workload may reference. */
  secrets: Record<string, string[]>;
  /** References that must exist (a service that cannot start without them). */
  requiredSecretReferences: SecretReference[];
  /** Hosts that an Ingress must route, over TLS, to a Service. */
  ingresses: { host: string; service: string }[];
  dns: { namespace: string; labels: Labels };
  allowedFlows: Flow[];
  /** Flows that least privilege rules out; each must be denied. */
  deniedFlows: Flow[];
  deployer: { serviceAccount: string; verbs: string[] };
  alerts: string[];
}
