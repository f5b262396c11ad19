import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrivyReportTemplate } from './reports';

/** What the stand-in Trivy reports and which failures it injects (see stand-in-trivy.cjs). */
export interface StandInConfig {
  version?: string;
  /** DB repositories that answer TOOMANYREQUESTS. */
  rateLimitedRepositories?: string[];
  /** DB repositories that fail with the given message. */
  failingRepositories?: Record<string, string>;
  /** Reports by image key: the archive file name without extension, or the image reference. */
  reports?: Record<string, TrivyReportTemplate>;
  defaultReport?: TrivyReportTemplate;
  /** Images whose scan fails with the given message. */
  scanFailures?: Record<string, string>;
}

export interface StandInEvent {
  event: 'db-download' | 'scan';
  repository?: string;
  cacheDir?: string;
  key?: string;
  args?: string[];
  /** Whether `--input` named a directory (an unpacked OCI layout) rather than a tarball. */
  inputIsDirectory?: boolean;
}

/** A directory the stand-in reads its configuration from and logs its DB downloads and scans to. */
export class StandInState {
  constructor(readonly dir: string) {}

  /** The environment that points the stand-in at this state. */
  get env(): Record<string, string> {
    return { ALT_LAS_TRIVY_STATE: this.dir };
  }

  configure(config: StandInConfig): this {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'config.json'), JSON.stringify({ version: '0.69.3', ...config }));
    return this;
  }

  events(): StandInEvent[] {
    const file = path.join(this.dir, 'events.log');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as StandInEvent);
  }

  dbDownloads(): StandInEvent[] {
    return this.events().filter((event) => event.event === 'db-download');
  }

  scans(): StandInEvent[] {
    return this.events().filter((event) => event.event === 'scan');
  }
}
