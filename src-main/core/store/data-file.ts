import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Notice } from '../../contract.js';
import { CoreError } from '../errors.js';
import { localeSettingSchema, themeSchema } from '../api/schemas.js';
import { SerialQueue } from '../util/serial-queue.js';
import { writeFileAtomic } from './atomic-write.js';

export const DATA_FILE_NAME = 'swarmdeck.json';
export const SCHEMA_VERSION = 1;

const clusterProfileSchema = z.object({
  id: z.string(),
  name: z.string(),
  hosts: z.array(z.string()),
  // Added after the first release of schema 1: absent means not known yet.
  swarmId: z.string().nullable().default(null),
  notes: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const hostRecordSchema = z.object({
  id: z.string(),
  alias: z.string(),
  address: z.string(),
  port: z.number(),
  user: z.string(),
  auth: z.array(z.enum(['agent', 'key', 'password'])),
  identityFile: z.string().nullable(),
  jump: z.array(z.string()),
  tags: z.array(z.string()),
});

const settingsSchema = z.object({
  theme: themeSchema.catch('system'),
  locale: localeSettingSchema.catch('system'),
});

const dataSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  clusters: z.array(clusterProfileSchema),
  // Added after the first release of schema 1: absent means none yet.
  hosts: z.array(hostRecordSchema).default([]),
  settings: settingsSchema,
});

export type AppData = z.infer<typeof dataSchema>;

export function emptyData(): AppData {
  return { schemaVersion: SCHEMA_VERSION, clusters: [], hosts: [], settings: { theme: 'system', locale: 'system' } };
}

/**
 * The app's one JSON file (profiles and settings; never a secret). Reads once,
 * then every change goes through `update`, which writes atomically and in order.
 */
export class DataFile {
  readonly path: string;
  readonly notices: Notice[] = [];
  private data: AppData = emptyData();
  private readonly writes = new SerialQueue();

  constructor(readonly dir: string) {
    this.path = join(dir, DATA_FILE_NAME);
  }

  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const parsed = parseData(text);
    if (parsed.ok) {
      this.data = parsed.data;
      return;
    }
    // Never overwrite what we cannot read: the operator may want it back.
    const aside = join(this.dir, `${DATA_FILE_NAME}.${parsed.reason}-${timestamp()}`);
    await rename(this.path, aside);
    this.notices.push({
      code: parsed.reason === 'newer' ? 'STORE_NEWER_VERSION' : 'STORE_CORRUPT_MOVED',
      params: { path: aside },
    });
  }

  read(): AppData {
    return structuredClone(this.data);
  }

  /**
   * Applies `change` to a copy and persists it; memory changes only once the
   * file is on disk, so a failed write leaves both as they were.
   */
  update<T>(change: (draft: AppData) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const draft = structuredClone(this.data);
      const result = change(draft);
      try {
        await writeFileAtomic(this.path, `${JSON.stringify(draft, null, 2)}\n`);
      } catch (err) {
        throw new CoreError('STORE_WRITE_FAILED', 'Could not save the data file', {
          params: { path: this.path },
          cause: err,
        });
      }
      this.data = draft;
      return result;
    };
    return this.writes.run(run);
  }
}

function parseData(text: string): { ok: true; data: AppData } | { ok: false; reason: 'corrupt' | 'newer' } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'corrupt' };
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > SCHEMA_VERSION) return { ok: false, reason: 'newer' };
  const result = dataSchema.safeParse(json);
  return result.success ? { ok: true, data: result.data } : { ok: false, reason: 'corrupt' };
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}
