import { describeDocument, type ManifestDocument } from './manifest-set';

/** One violation, precise enough to find and fix: file, document, field and what is wrong. */
export interface Finding {
  rule: string;
  file: string;
  document: string;
  field: string;
  message: string;
}

export function finding(rule: string, document: ManifestDocument, field: string, message: string): Finding {
  return {
    rule,
    file: document.file,
    document: `${describeDocument(document)} (document ${document.index})`,
    field,
    message,
  };
}

/** A finding that is about the whole set (something missing), not about one document. */
export function missing(rule: string, file: string, what: string, message: string): Finding {
  return { rule, file, document: what, field: '-', message };
}

export function formatFinding(entry: Finding): string {
  return `${entry.file}: ${entry.document}: ${entry.field}: ${entry.message} [${entry.rule}]`;
}
