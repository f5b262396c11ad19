import type { ObjectApi } from '../api';
import type { StoredEvent } from '../store';
import type { ScenarioChooser } from '../types';
import { DaemonSetController } from './daemonsets';
import { DeploymentController } from './deployments';
import { JobController } from './jobs';
import { imagesOf } from './names';
import { PodSimulator } from './pods';
import { StatefulSetController } from './statefulsets';

const WORKLOADS = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', 'v1/Pod']);

/**
 * Runs the workload controllers every `stepMs`, and at once when a workload's spec changes so that
 * `observedGeneration` follows a write quickly (a real controller reacts to watch events likewise).
 * Time inside the controllers is counted in steps, so a test's pace is set by `stepMs` alone.
 */
export class Controller {
  private steps = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Immediate | undefined;
  private running = false;
  private readonly deployments: DeploymentController;
  private readonly statefulSets: StatefulSetController;
  private readonly daemonSets: DaemonSetController;
  private readonly jobs: JobController;
  private readonly pods: PodSimulator;

  constructor(
    api: ObjectApi,
    private readonly options: { stepMs: number; scenario: ScenarioChooser },
  ) {
    const now = () => this.steps;
    const pods = (this.pods = new PodSimulator(api.store, now));
    this.deployments = new DeploymentController(api.store, pods, options.scenario, now, 1);
    this.statefulSets = new StatefulSetController(api.store, pods, options.scenario);
    this.daemonSets = new DaemonSetController(api.store, pods, options.scenario);
    this.jobs = new JobController(api.store, pods, options.scenario);
    api.store.onChange = (event) => this.onChange(event);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.steps++;
      this.reconcile();
    }, this.options.stepMs);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.pending) clearImmediate(this.pending);
    this.timer = undefined;
  }

  private onChange(event: StoredEvent): void {
    if (event.key === '/Pod') this.pods.observe(event);
    if (!this.timer || this.pending || this.running || event.type === 'DELETED') return;
    const object = event.object;
    const key = `${object.apiVersion.split('/')[0]}/${object.kind}`;
    if (WORKLOADS.has(key) && object.metadata.generation !== object.status?.observedGeneration)
      this.pending = setImmediate(() => {
        this.pending = undefined;
        this.reconcile();
      });
  }

  private reconcile(): void {
    if (this.running) return;
    this.running = true;
    try {
      this.deployments.reconcileAll();
      this.statefulSets.reconcileAll();
      this.daemonSets.reconcileAll();
      this.jobs.reconcileAll();
      this.pods.runStandalone((pod) =>
        this.options.scenario({
          kind: 'Pod',
          namespace: pod.metadata.namespace,
          name: pod.metadata.name,
          images: imagesOf({ spec: pod.spec }),
        }),
      );
    } catch (error) {
      // A controller error must not stop the loop; it shows up in the test's output.
      console.error('kube-api stand-in controller:', error);
    } finally {
      this.running = false;
    }
  }
}
