import { randomUUID } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActivityEntry } from '../../contract.js';
import type { EventBus } from '../events.js';
import { SerialQueue } from '../util/serial-queue.js';

export const ACTIVITY_FILE_NAME = 'activity.jsonl';
/** Kept in memory for the UI; the file keeps everything (one line per entry, appended). */
const IN_MEMORY = 5000;

export type ActivityInput = Omit<ActivityEntry, 'id' | 'time'>;

/**
 * What the app did to a swarm, in order: one JSON line per operation. Callers
 * pass Docker's words and host names, never a token or key; `detail` is for
 * the outcome (an error message), not for request bodies.
 */
export class ActivityLog {
  private entries: ActivityEntry[] = [];
  private readonly writes = new SerialQueue();
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly events: EventBus,
  ) {
    this.path = join(dataDir, ACTIVITY_FILE_NAME);
  }

  async load(): Promise<void> {
    const text = await readFile(this.path, 'utf8').catch(() => '');
    const parsed: ActivityEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        parsed.push(JSON.parse(line) as ActivityEntry);
      } catch {
        // A torn last line (a crash mid-append) is skipped; the rest still reads.
      }
    }
    this.entries = parsed.slice(-IN_MEMORY);
  }

  list(cluster?: string): ActivityEntry[] {
    return cluster === undefined ? [...this.entries] : this.entries.filter((e) => e.cluster === cluster);
  }

  async record(input: ActivityInput): Promise<ActivityEntry> {
    const entry: ActivityEntry = { id: randomUUID(), time: new Date().toISOString(), ...input };
    this.entries.push(entry);
    if (this.entries.length > IN_MEMORY) this.entries.splice(0, this.entries.length - IN_MEMORY);
    await this.writes.run(() => appendFile(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 }));
    this.events.emit('activity:added', entry);
    return entry;
  }
}
