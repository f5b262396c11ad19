import { RESOURCE_TYPES } from '../resources';
import type { ObjectStore } from '../store';
import type { KubeObject, ScenarioChooser } from '../types';
import { imagesOf, timestamp } from './names';
import { isPodReady } from './pod-status';
import type { PodSimulator } from './pods';

const JOB = RESOURCE_TYPES.find((t) => t.kind === 'Job')!;

/** The Job controller: one pod per Job; a pod that runs (per its scenario) completes a step later. */
export class JobController {
  constructor(
    private readonly store: ObjectStore,
    private readonly pods: PodSimulator,
    private readonly chooseScenario: ScenarioChooser,
  ) {}

  reconcileAll(): void {
    for (const job of this.store.list(JOB)) this.reconcile(job);
  }

  private reconcile(job: KubeObject): void {
    if (job.status?.succeeded) return;
    let pod = this.pods.ownedBy(job)[0];
    if (!pod) {
      const scenario = this.chooseScenario({
        kind: 'Job',
        namespace: job.metadata.namespace,
        name: job.metadata.name,
        images: imagesOf(job.spec.template),
      });
      const labels = {
        'batch.kubernetes.io/job-name': job.metadata.name,
        'job-name': job.metadata.name,
        'batch.kubernetes.io/controller-uid': job.metadata.uid,
      };
      pod = this.pods.create(job, job.spec.template, undefined, labels, scenario);
    } else pod = isPodReady(pod) ? this.pods.succeed(pod) : this.pods.advance(pod);
    const succeeded = pod.status?.phase === 'Succeeded';
    const now = timestamp();
    const status: KubeObject = succeeded
      ? {
          startTime: job.status?.startTime ?? now,
          completionTime: now,
          succeeded: 1,
          ready: 0,
          terminating: 0,
          uncountedTerminatedPods: {},
          conditions: [
            {
              type: 'SuccessCriteriaMet',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastProbeTime: now,
              lastTransitionTime: now,
            },
            {
              type: 'Complete',
              status: 'True',
              reason: 'CompletionsReached',
              message: 'Reached expected number of succeeded pods',
              lastProbeTime: now,
              lastTransitionTime: now,
            },
          ],
        }
      : {
          startTime: job.status?.startTime ?? now,
          active: 1,
          ready: isPodReady(pod) ? 1 : 0,
          terminating: 0,
          uncountedTerminatedPods: {},
        };
    if (JSON.stringify(status) !== JSON.stringify(job.status)) {
      const fresh = this.store.get(JOB, job.metadata.namespace, job.metadata.name);
      if (fresh) this.store.update(JOB, { ...fresh, status: status });
    }
  }
}
