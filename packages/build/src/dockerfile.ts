import * as fs from 'node:fs';
import { ConfigurationError } from '@alt-las/action-kit';

/** One instruction of a Dockerfile, with the line it starts on (1-based). */
export interface DockerfileInstruction {
  keyword: string;
  args: string;
  line: number;
}

export interface DockerfileStage {
  /** `AS <name>`, lower-cased as the builders treat it; undefined for an unnamed stage. */
  name?: string;
  from: string;
  line: number;
}

export interface Dockerfile {
  file: string;
  instructions: DockerfileInstruction[];
  stages: DockerfileStage[];
}

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/** A Dockerfile mistake, with the file and line a person has to fix. */
export class DockerfileError extends ConfigurationError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${problem}`, 'services-file');
  }
}

/**
 * Parses the instruction structure of a Dockerfile: comments, line continuations and heredoc
 * bodies are folded so every instruction keeps the line it starts on. Builders only report some
 * syntax errors after running earlier steps; checking here first fails before anything is built.
 */
export function parseDockerfile(text: string, file: string): Dockerfile {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  const instructions: DockerfileInstruction[] = [];
  let i = 0;
  let sawInstruction = false;
  while (i < lines.length) {
    const raw = lines[i]!;
    const start = i + 1;
    i++;
    const trimmed = raw.trim();
    if (!sawInstruction) {
      const directive = /^#\s*escape\s*=\s*(\S)\s*$/i.exec(trimmed);
      if (directive) escape = directive[1]!;
    }
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    sawInstruction = true;
    let logical = trimmed;
    while (logical.endsWith(escape) && i < lines.length) {
      logical = logical.slice(0, -1).trimEnd();
      const next = lines[i++]!.trim();
      if (next.startsWith('#')) continue;
      logical += ` ${next}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(logical)!;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (!KEYWORDS.has(keyword)) {
      throw new DockerfileError(file, start, `unknown instruction "${match[1]}"`);
    }
    if (args === '') throw new DockerfileError(file, start, `${keyword} needs arguments`);
    instructions.push({ keyword, args, line: start });
    // A heredoc (`RUN <<EOF`) runs until its terminator; its body is not instructions.
    const heredoc = /<<-?\s*["']?(\w+)["']?/.exec(args);
    if (heredoc && ['RUN', 'COPY', 'ADD'].includes(keyword)) {
      while (i < lines.length && lines[i]!.trim() !== heredoc[1]) i++;
      i++;
    }
  }
  const first = instructions.find((instruction) => instruction.keyword !== 'ARG');
  if (!first) throw new DockerfileError(file, undefined, 'has no FROM instruction');
  if (first.keyword !== 'FROM') {
    throw new DockerfileError(file, first.line, `expected FROM before ${first.keyword}`);
  }
  const stages = instructions
    .filter((instruction) => instruction.keyword === 'FROM')
    .map((instruction) => {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      if (words.length === 3 && words[1]!.toUpperCase() === 'AS') {
        return { from: words[0]!, name: words[2]!.toLowerCase(), line: instruction.line };
      }
      if (words.length !== 1) {
        throw new DockerfileError(file, instruction.line, 'expected FROM <image> [AS <name>]');
      }
      return { from: words[0]!, line: instruction.line };
    });
  return { file, instructions, stages };
}

export function loadDockerfile(file: string): Dockerfile {
  return parseDockerfile(fs.readFileSync(file, 'utf8'), file);
}

/** Throws unless the Dockerfile has a stage of that name (the service's test stage). */
export function requireStage(dockerfile: Dockerfile, stage: string): DockerfileStage {
  const found = dockerfile.stages.find((candidate) => candidate.name === stage.toLowerCase());
  if (!found) {
    const named = dockerfile.stages.map((candidate) => candidate.name).filter(Boolean);
    throw new DockerfileError(
      dockerfile.file,
      undefined,
      `has no stage "${stage}" for the tests (stages: ${named.length > 0 ? named.join(', ') : 'none named'})`,
    );
  }
  return found;
}

/**
 * The line of the instruction a builder's error names. buildah says `building at STEP "RUN x"`
 * (the instruction as it expanded it), so the first instruction with that keyword and a matching
 * argument prefix wins; undefined when nothing matches.
 */
export function lineOfStep(dockerfile: Dockerfile, step: string): number | undefined {
  const match = /^(\S+)\s*(.*)$/.exec(step.trim());
  if (!match) return undefined;
  const keyword = match[1]!.toUpperCase();
  const normalise = (text: string) => text.replace(/[\s"[\],]+/g, ' ').trim();
  const args = normalise(match[2]!);
  const candidates = dockerfile.instructions.filter((instruction) => instruction.keyword === keyword);
  const exact = candidates.find((instruction) => normalise(instruction.args) === args);
  const prefix = candidates.find(
    (instruction) => args !== '' && normalise(instruction.args).startsWith(args.slice(0, 20)),
  );
  return (exact ?? prefix ?? (candidates.length === 1 ? candidates[0] : undefined))?.line;
}
