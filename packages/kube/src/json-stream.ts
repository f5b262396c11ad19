/**
 * Splits a stream of concatenated JSON documents (what `kubectl get --watch -o json` prints) into
 * whole documents as chunks arrive, tracking nesting and string escapes.
 */
export class JsonStreamSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private scanned = 0;

  constructor(private readonly onDocument: (value: unknown) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const char = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
        continue;
      }
      if (char === '"') this.inString = true;
      else if (char === '{' || char === '[') {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (char === '}' || char === ']') {
        this.depth--;
        if (this.depth === 0 && this.start >= 0) {
          this.onDocument(JSON.parse(this.buffer.slice(this.start, i + 1)));
          this.buffer = this.buffer.slice(i + 1);
          this.start = -1;
          i = -1;
        }
      }
    }
    this.scanned = this.buffer.length;
  }
}
