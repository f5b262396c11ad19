import * as fs from 'node:fs';
import { AnnotationBudget, SummaryBuilder, type SecretRedactor } from '@alt-las/action-kit';
import {
  diagnosisMarkdown,
  workloadImages,
  type DeployOutcome,
  type DeployResult,
  type Plan,
} from '@alt-las/kube';

export interface Report {
  mode: 'deploy' | 'diff' | 'rollback';
  dryRun: boolean;
  namespace: string;
  result: DeployResult;
  message: string;
  notes: string[];
  plan?: Plan;
  diff?: string;
  diffPath?: string;
  outcome?: DeployOutcome;
  revisions?: Record<string, { before: string | null; after: string | null }>;
}

const DIFF_SHOWN_BYTES = 60_000;
const ICON: Record<DeployResult, string> = {
  deployed: '✅',
  unchanged: '⏸️',
  'rolled-back': '↩️',
  failed: '❌',
};

/** The job summary and the error annotation; every text passes the redactor once more before it is written. */
export function writeSummary(report: Report, redactor: SecretRedactor, annotations: AnnotationBudget): void {
  const summary = new SummaryBuilder();
  const what = report.dryRun ? 'dry run' : report.mode;
  summary.heading(
    `k8s-deploy (${what}): ${ICON[report.result]} ${report.result} in ${report.namespace || '?'}`,
  );
  summary.paragraph(report.message);
  const revisions = report.outcome?.revisions ?? report.revisions ?? {};
  if (report.plan) {
    summary.table(
      ['Workload', 'Images of this release', 'Revision before', 'Revision after'],
      workloadImages(report.plan.objects).map(({ workload, containers }) => [
        workload,
        containers.map((container) => `${container.name}: \`${container.image}\``).join('\n'),
        revisions[workload]?.before ?? '-',
        revisions[workload]?.after ?? '-',
      ]),
    );
    const pending = report.plan.pins.filter((pin) => pin.pending).length;
    if (pending > 0)
      summary.paragraph(
        `${pending} container image(s) of this release are not published yet; a deploy pins each to the digest publish-ghcr pushed.`,
      );
    if (report.plan.unpinnedThirdParty.length > 0)
      summary
        .paragraph(`Third-party images still on a tag (give their digests in \`images\` to pin them):`)
        .list(report.plan.unpinnedThirdParty);
  } else if (Object.keys(revisions).length > 0) {
    summary.table(
      ['Workload', 'Revision before', 'Revision after'],
      Object.entries(revisions).map(([workload, revision]) => [
        workload,
        revision.before ?? '-',
        revision.after ?? '-',
      ]),
    );
  }
  const outcome = report.outcome;
  if (outcome && outcome.changed.length > 0)
    summary.details(`Changed objects (${outcome.changed.length})`, outcome.changed.join('<br>'));
  if (outcome && outcome.pruned.length > 0) summary.paragraph(`Pruned: ${outcome.pruned.join(', ')}`);
  if (outcome && outcome.diagnoses.length > 0) {
    summary.heading('Why the rollout failed', 3).paragraph(diagnosisMarkdown(outcome.diagnoses));
  }
  for (const note of report.notes) summary.paragraph(`> ${note}`);
  if (report.diff !== undefined) {
    const diff = report.diff === '' ? '(no differences)' : report.diff;
    const shown =
      diff.length > DIFF_SHOWN_BYTES
        ? `${diff.slice(0, DIFF_SHOWN_BYTES)}\n... (the full diff is in the \`diff\` output file)`
        : diff;
    summary.details('Server-side diff (Secret values redacted)', `\`\`\`diff\n${shown}\n\`\`\``);
  }
  // The failure message itself becomes the step's error through core.setFailed; these add one per workload.
  if (report.result === 'failed' || report.result === 'rolled-back') {
    for (const diagnosis of (outcome?.diagnoses ?? []).slice(0, 5)) {
      annotations.add({
        level: 'error',
        title: diagnosis.workload.replace(/\/[^/]*\//, '/'),
        message: redactor.redact(diagnosis.reason),
      });
    }
  }
  const note = annotations.omittedNote();
  if (note) summary.paragraph(note);
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) fs.appendFileSync(file, redactor.redact(summary.toString()));
}
