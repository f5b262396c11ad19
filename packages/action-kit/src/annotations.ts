import * as core from '@actions/core';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
}

/** GitHub shows at most 10 annotations of each level per step (and 50 per job); the rest are dropped silently. */
export const ANNOTATIONS_PER_LEVEL = 10;

export type AnnotationSink = (annotation: Annotation) => void;

export const actionsAnnotationSink: AnnotationSink = ({ level, message, ...properties }) => {
  const props: core.AnnotationProperties = {
    title: properties.title,
    file: properties.file,
    startLine: properties.startLine,
    endLine: properties.endLine,
  };
  if (level === 'error') core.error(message, props);
  else if (level === 'warning') core.warning(message, props);
  else core.notice(message, props);
};

/**
 * Emits annotations up to GitHub's per-step cap for each level and counts the rest,
 * so the summary can say how many were left out instead of losing them unannounced.
 */
export class AnnotationBudget {
  private readonly emitted: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  private readonly omitted: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };

  constructor(
    private readonly sink: AnnotationSink = actionsAnnotationSink,
    private readonly perLevel = ANNOTATIONS_PER_LEVEL,
  ) {}

  add(annotation: Annotation): boolean {
    if (this.emitted[annotation.level] >= this.perLevel) {
      this.omitted[annotation.level]++;
      return false;
    }
    this.emitted[annotation.level]++;
    this.sink(annotation);
    return true;
  }

  omittedCount(level?: AnnotationLevel): number {
    return level ? this.omitted[level] : this.omitted.error + this.omitted.warning + this.omitted.notice;
  }

  /** A sentence for the summary, or '' when nothing was left out. */
  omittedNote(): string {
    const parts = (Object.keys(this.omitted) as AnnotationLevel[])
      .filter((level) => this.omitted[level] > 0)
      .map((level) => `${this.omitted[level]} ${level}${this.omitted[level] === 1 ? '' : 's'}`);
    return parts.length === 0
      ? ''
      : `${parts.join(', ')} not shown as annotations (GitHub shows ${this.perLevel} per level per step); all are listed in this summary.`;
  }
}
