import * as fs from 'node:fs';

/** GitHub rejects a step summary over 1 MiB. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

const TRUNCATION_RESERVE = 512;

export function escapeCell(value: unknown): string {
  return String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

export function markdownTable(header: string[], rows: unknown[][]): string {
  const lines = [`| ${header.map(escapeCell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

/**
 * Builds a Markdown job summary that stays under GitHub's size cap: sections are added in order
 * and once the budget is spent the rest are replaced by one line saying how many were left out.
 */
export class SummaryBuilder {
  private readonly parts: string[] = [];
  private bytes = 0;
  private omittedSections = 0;

  constructor(private readonly limitBytes = SUMMARY_LIMIT_BYTES) {}

  heading(text: string, level = 2): this {
    return this.add(`${'#'.repeat(level)} ${text}\n\n`);
  }

  paragraph(text: string): this {
    return this.add(`${text}\n\n`);
  }

  table(header: string[], rows: unknown[][]): this {
    return this.add(`${markdownTable(header, rows)}\n`);
  }

  list(items: string[]): this {
    return items.length === 0 ? this : this.add(`${items.map((item) => `- ${item}`).join('\n')}\n\n`);
  }

  details(summary: string, body: string): this {
    return this.add(`<details><summary>${summary}</summary>\n\n${body}\n\n</details>\n\n`);
  }

  code(text: string, language = ''): this {
    return this.add(`\`\`\`${language}\n${text.replace(/\n$/, '')}\n\`\`\`\n\n`);
  }

  add(markdown: string): this {
    const size = Buffer.byteLength(markdown);
    if (this.omittedSections > 0 || this.bytes + size > this.limitBytes - TRUNCATION_RESERVE) {
      this.omittedSections++;
      return this;
    }
    this.parts.push(markdown);
    this.bytes += size;
    return this;
  }

  toString(): string {
    const note =
      this.omittedSections > 0
        ? `\n> ${this.omittedSections} more section(s) left out: GitHub limits a step summary to 1 MiB. The full detail is in the action's report files.\n`
        : '';
    return this.parts.join('') + note;
  }

  /** Appends to the file the runner names in GITHUB_STEP_SUMMARY; a no-op outside a runner. */
  write(path = process.env.GITHUB_STEP_SUMMARY): void {
    if (path) fs.appendFileSync(path, this.toString());
  }
}
