import { join } from 'node:path';
import { z } from 'zod';
import type { EdgeConfig } from '../../contract.js';
import { edgeConfigureSchema } from '../api/schemas.js';
import { CoreError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { SerialQueue } from '../util/serial-queue.js';
import { readJsonFile } from '../store/json-file.js';

export const EDGE_FILE_NAME = 'edge.json';

export interface EdgeEntry {
  config: EdgeConfig;
  enabled: boolean;
}

// The same schema as the contract's boundary: a hand-edited file cannot bring in a path or a
// reload command the API itself would have refused.
const configSchema = edgeConfigureSchema.shape.config;
const fileSchema = z.object({
  schemaVersion: z.literal(1),
  clusters: z.record(z.string(), z.object({ config: configSchema, enabled: z.boolean() })),
});

/**
 * The edge configs, one per cluster, in a file of their own beside the data file: paths, a
 * host alias and a reload command, never a secret. Written atomically and in order.
 */
export class EdgeStore {
  readonly path: string;
  private entries = new Map<string, EdgeEntry>();
  private readonly writes = new SerialQueue();

  constructor(dataDir: string) {
    this.path = join(dataDir, EDGE_FILE_NAME);
  }

  async load(): Promise<void> {
    const parsed = await readJsonFile(this.path, fileSchema);
    if (parsed) this.entries = new Map(Object.entries(parsed.clusters));
  }

  get(clusterId: string): EdgeEntry | null {
    const entry = this.entries.get(clusterId);
    return entry ? structuredClone(entry) : null;
  }

  enabled(): [string, EdgeEntry][] {
    return [...this.entries].filter(([, e]) => e.enabled).map(([id, e]) => [id, structuredClone(e)]);
  }

  set(clusterId: string, entry: EdgeEntry): Promise<void> {
    return this.writes.run(async () => {
      const next = new Map(this.entries);
      next.set(clusterId, structuredClone(entry));
      const body = { schemaVersion: 1, clusters: Object.fromEntries(next) };
      try {
        await writeFileAtomic(this.path, `${JSON.stringify(body, null, 2)}\n`);
      } catch (err) {
        throw new CoreError('STORE_WRITE_FAILED', 'Could not save the edge settings', { params: { path: this.path }, cause: err });
      }
      // Memory follows the file only once the file is on disk.
      this.entries = next;
    });
  }
}
