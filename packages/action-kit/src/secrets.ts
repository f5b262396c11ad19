import * as core from '@actions/core';

const REDACTED = '***';

/**
 * Keeps secret values out of every log, summary, annotation and artifact: registers each with the
 * runner (which masks the log) and redacts them from text the action writes itself.
 */
export class SecretRedactor {
  private readonly values = new Set<string>();

  constructor(private readonly register: (value: string) => void = core.setSecret) {}

  add(value: string | undefined): void {
    if (!value) return;
    for (const candidate of [value, ...value.split(/\r?\n/)]) {
      const trimmed = candidate.trim();
      // Very short fragments would shred ordinary text; the runner ignores them for the same reason.
      if (trimmed.length < 4 || this.values.has(trimmed)) continue;
      this.values.add(trimmed);
      this.register(trimmed);
      const encoded = Buffer.from(trimmed).toString('base64');
      this.values.add(encoded);
      this.register(encoded);
    }
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      result = result.split(value).join(REDACTED);
    }
    return result;
  }

  get size(): number {
    return this.values.size;
  }
}
