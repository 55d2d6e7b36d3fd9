import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { BackupRecord, BackupSchedule, ErrorCode } from '../../contract.js';
import { CoreError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { SerialQueue } from '../util/serial-queue.js';
import { readJsonFile } from '../store/json-file.js';

export const BACKUPS_FILE_NAME = 'backups.json';
export const ARCHIVE_SUFFIX = '.swarmbak';
const SAFE_ID = /^[a-z0-9-]{1,64}$/;

const nodeRef = z.object({ id: z.string(), hostname: z.string(), host: z.string() });
const recordSchema = z.object({
  id: z.string().regex(SAFE_ID),
  clusterId: z.string(),
  file: z.string(),
  createdAt: z.string(),
  swarmId: z.string(),
  node: nodeRef,
  dockerVersion: z.string(),
  bytes: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  encryption: z.enum(['keychain', 'passphrase']),
  durationMs: z.number(),
  managers: z.number(),
  autolock: z.boolean(),
});

// The code is the contract's ErrorCode when written; a file from another version is read as it is.
const errorSchema = z.object({
  code: z.string().transform((c) => c as ErrorCode),
  message: z.string(),
  params: z.record(z.string(), z.string()).optional(),
});
const clusterSchema = z.object({
  schedule: z.object({ everyHours: z.number().nullable(), keep: z.number() }),
  lastFailure: z.object({ at: z.string(), error: errorSchema }).nullable(),
  /** The last routine attempt, so a failing routine is not retried at every start. */
  lastAttemptAt: z.string().nullable(),
});
const fileSchema = z.object({ schemaVersion: z.literal(1), clusters: z.record(z.string(), clusterSchema) });
export type ClusterBackupSettings = z.infer<typeof clusterSchema>;

export const DEFAULT_SCHEDULE: BackupSchedule = { everyHours: null, keep: 7 };

/** A file being written: the sealed archive goes to a hidden temp name, renamed into place when complete. */
export interface PendingArchive {
  id: string;
  path: string;
  handle: FileHandle;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * The backups on this workstation: `<dataDir>/backups/<clusterId>/<id>.swarmbak` with `<id>.json`
 * beside it (the record, no secret), and `<dataDir>/backups.json` for schedules and the last failure.
 * Every file is 0600, written whole or not at all.
 */
export class BackupStore {
  readonly settingsPath: string;
  readonly root: string;
  private data: z.infer<typeof fileSchema> = { schemaVersion: 1, clusters: {} };
  private readonly writes = new SerialQueue();

  constructor(dataDir: string) {
    this.settingsPath = join(dataDir, BACKUPS_FILE_NAME);
    this.root = join(dataDir, 'backups');
  }

  async load(): Promise<void> {
    await this.dropPartials();
    this.data = (await readJsonFile(this.settingsPath, fileSchema)) ?? this.data;
  }

  /** Archives a crash (or a closed app) left half-written are no backups: gone at start. */
  private async dropPartials(): Promise<void> {
    for (const cluster of await readdir(this.root).catch(() => [] as string[])) {
      const dir = join(this.root, cluster);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (name.endsWith('.partial')) await rm(join(dir, name), { force: true });
      }
    }
  }

  clusterIds(): string[] {
    return Object.keys(this.data.clusters);
  }

  settings(clusterId: string): ClusterBackupSettings {
    return this.data.clusters[clusterId] ?? { schedule: { ...DEFAULT_SCHEDULE }, lastFailure: null, lastAttemptAt: null };
  }

  update(clusterId: string, change: (current: ClusterBackupSettings) => ClusterBackupSettings): Promise<ClusterBackupSettings> {
    return this.writes.run(async () => {
      const next = structuredClone(this.data);
      next.clusters[clusterId] = change(this.settings(clusterId));
      try {
        await writeFileAtomic(this.settingsPath, `${JSON.stringify(next, null, 2)}\n`);
      } catch (err) {
        throw new CoreError('STORE_WRITE_FAILED', 'Could not save the backup settings', {
          params: { path: this.settingsPath },
          cause: err,
        });
      }
      this.data = next;
      return next.clusters[clusterId]!;
    });
  }

  /** Newest first; a manifest without its archive (or unreadable) is left out. */
  async list(clusterId: string): Promise<BackupRecord[]> {
    const dir = this.dirOf(clusterId);
    const names = await readdir(dir).catch(() => [] as string[]);
    const archives = new Set(names.filter((n) => n.endsWith(ARCHIVE_SUFFIX)));
    const records: BackupRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const id = name.slice(0, -'.json'.length);
      if (!archives.has(`${id}${ARCHIVE_SUFFIX}`)) continue;
      try {
        const record = recordSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8')));
        if (record.id === id) records.push({ ...record, file: join(dir, `${id}${ARCHIVE_SUFFIX}`) });
      } catch {
        // A torn or foreign manifest is not a backup this app can vouch for.
      }
    }
    return records.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  async get(clusterId: string, backupId: string): Promise<BackupRecord> {
    const found = SAFE_ID.test(backupId) ? (await this.list(clusterId)).find((r) => r.id === backupId) : undefined;
    if (!found) throw new CoreError('NOT_FOUND', `No backup ${backupId} of this cluster`, { params: { id: backupId } });
    return found;
  }

  newId(now: Date): string {
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    return `${stamp}-${randomBytes(3).toString('hex')}`.toLowerCase();
  }

  archivePath(clusterId: string, id: string): string {
    return join(this.dirOf(clusterId), `${id}${ARCHIVE_SUFFIX}`);
  }

  async startArchive(clusterId: string, id: string): Promise<PendingArchive> {
    const dir = this.dirOf(clusterId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = this.archivePath(clusterId, id);
    const tmp = join(dir, `.${id}${ARCHIVE_SUFFIX}.partial`);
    const handle = await open(tmp, 'wx', 0o600);
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await handle.close();
    };
    return {
      id,
      path,
      handle,
      commit: async () => {
        await handle.sync();
        await close();
        await rename(tmp, path);
      },
      discard: async () => {
        await close().catch(() => undefined);
        await rm(tmp, { force: true });
      },
    };
  }

  async writeRecord(record: BackupRecord): Promise<void> {
    await writeFileAtomic(join(this.dirOf(record.clusterId), `${record.id}.json`), `${JSON.stringify(record, null, 2)}\n`, 0o600);
  }

  async remove(clusterId: string, backupId: string): Promise<void> {
    if (!SAFE_ID.test(backupId)) throw new CoreError('NOT_FOUND', `No backup ${backupId} of this cluster`, { params: { id: backupId } });
    const dir = this.dirOf(clusterId);
    const names = await readdir(dir).catch(() => [] as string[]);
    const mine = [`${backupId}${ARCHIVE_SUFFIX}`, `${backupId}.json`].filter((n) => names.includes(n));
    if (mine.length === 0) throw new CoreError('NOT_FOUND', `No backup ${backupId} of this cluster`, { params: { id: backupId } });
    for (const name of mine) await rm(join(dir, name), { force: true });
  }

  private dirOf(clusterId: string): string {
    if (!SAFE_ID.test(clusterId)) throw new CoreError('NOT_FOUND', `No cluster with id ${clusterId}`, { params: { id: clusterId } });
    return join(this.root, clusterId);
  }
}
