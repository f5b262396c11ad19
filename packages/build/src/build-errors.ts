import { lineOfStep, type Dockerfile } from './dockerfile';

export interface BuildFailure {
  /** One line a person can act on. */
  message: string;
  /** The Dockerfile line the builder blamed, when it named one. */
  line?: number;
}

/**
 * Finds the cause and the Dockerfile line in a builder's output. docker buildx names the line
 * (`Dockerfile:12` above its excerpt, or `on line 12` for parse errors); buildah names the step
 * (`building at STEP "RUN make"`), which is matched back to the instruction.
 */
export function diagnoseBuildFailure(output: string, dockerfile: Dockerfile): BuildFailure {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const errorLine =
    [...lines].reverse().find((line) => /^(ERROR|Error)\b/.test(line)) ??
    [...lines].reverse().find((line) => /error|failed/i.test(line)) ??
    lines[lines.length - 1] ??
    'the builder failed without output';
  const message = errorLine.replace(/^(ERROR|Error):\s*/, '');

  const base = dockerfile.file.split('/').pop()!;
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named =
    new RegExp(`(?:^|\\s)${escaped}:(\\d+)`).exec(output) ?? /parse error on line (\d+)/i.exec(output);
  if (named) return { message, line: Number(named[1]) };
  const step = /building at STEP "((?:[^"\\]|\\.|"(?!:))*)":/.exec(output);
  if (step) {
    const line = lineOfStep(dockerfile, step[1]!);
    return line !== undefined ? { message, line } : { message };
  }
  return { message };
}
