import { readFile } from 'node:fs/promises';
import type { BackupCheck, BackupEncryption, BackupRecord, BackupSchedule, BackupState, ErrorCode, HealthWarning } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import { swarmApi, unlockKeyAccount } from '../swarm/swarm-api.js';
import { openArchive, readHeader, sha256, unreadable } from './archive-format.js';
import { beyondKeep, chooseBackupNode, refusal } from './backup-guard.js';
import { backupWarnings } from './backup-health.js';
import { recallBackupKey } from './backup-keys.js';
import { DEFAULT_REMOTE_TIMEOUTS, type RemoteTimeouts } from './backup-remote.js';
import { BackupRun, type RunOptions } from './backup-run.js';
import { BackupStore } from './backup-store.js';
import { BackupTimers } from './backup-timers.js';

export interface BackupOptions {
  /** How long after the app starts a due routine backup waits: the start stays calm. */
  graceMs: number;
  timeouts: RemoteTimeouts;
}

const DEFAULT_OPTIONS: BackupOptions = { graceMs: 120_000, timeouts: DEFAULT_REMOTE_TIMEOUTS };
const HOUR_MS = 3_600_000;

/**
 * Backups of a swarm's state (a manager's /var/lib/docker/swarm), encrypted on this workstation:
 * by hand, or routinely while the app runs, one at a time per cluster, with a retention count.
 * `open` is what restore reads an archive with.
 */
export class SwarmBackups {
  private readonly store: BackupStore;
  private readonly options: BackupOptions;
  private readonly running = new Set<string>();
  private readonly timers: BackupTimers;
  /** The newest backup's time per cluster, as last listed: the health panel reads it on every model refresh. */
  private readonly newest = new Map<string, string | null>();

  constructor(
    private readonly deps: ProductionDeps,
    options: Partial<BackupOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.store = new BackupStore(deps.dataDir);
    this.timers = new BackupTimers((clusterId) => this.routine(clusterId));
  }

  async load(): Promise<void> {
    await this.store.load();
  }

  /** Arms the routine of every cluster with a schedule; none fires before the grace period. */
  resume(): void {
    for (const clusterId of this.store.clusterIds()) void this.arm(clusterId, this.options.graceMs);
  }

  /** Stops every routine timer (tests, shutdown). */
  close(): void {
    this.timers.clear();
  }

  async get(clusterId: string): Promise<BackupState> {
    this.profileOf(clusterId);
    const settings = this.store.settings(clusterId);
    const backups = await this.store.list(clusterId);
    this.newest.set(clusterId, backups[0]?.createdAt ?? null);
    return {
      clusterId,
      schedule: settings.schedule,
      backups,
      running: this.running.has(clusterId),
      nextAt: settings.schedule.everyHours === null ? null : (this.timers.at(clusterId)?.toISOString() ?? null),
      lastFailure: settings.lastFailure,
    };
  }

  /** Warnings for the health panel; the first call for a cluster reads its list and answers at the next refresh. */
  healthWarnings(clusterId: string, now: number): HealthWarning[] {
    if (!this.newest.has(clusterId)) {
      void this.get(clusterId).catch(() => undefined);
      return [];
    }
    return backupWarnings(this.newest.get(clusterId) ?? null, this.store.settings(clusterId).schedule.everyHours, now);
  }

  async check(clusterId: string, nodeId?: string): Promise<BackupCheck> {
    const { link } = await this.deps.clusters.linkOf(clusterId);
    const [swarm, nodes] = await Promise.all([
      link.request('read', (d) => swarmApi.inspect(d)),
      link.request('read', (d) => swarmApi.nodes(d)),
    ]);
    // A single manager is allowed with the operator's acknowledgement, which `run` asks for: here it is a warning.
    const choice = chooseBackupNode({
      nodes,
      records: this.deps.records.list(),
      nodeId,
      acknowledgeSingleManager: true,
      linkManager: link.state.state === 'using' ? link.state.manager : null,
    });
    const autolock = swarm.Spec.EncryptionConfig?.AutoLockManagers === true;
    const warnings = [...choice.warnings];
    if (autolock) {
      const key =
        (await link.request('read', (d) => swarmApi.unlockKey(d)).catch(() => '')) ||
        (await this.deps.vault.recall(unlockKeyAccount(swarm.ID)).catch(() => null));
      if (!key) warnings.push('UNLOCK_KEY_MISSING');
    }
    return { node: choice.node, refused: choice.refused?.toContractError() ?? null, warnings, autolock };
  }

  async run(
    clusterId: string,
    options: { nodeId?: string; acknowledgeSingleManager: boolean; encryption: BackupEncryption; passphrase?: string },
  ): Promise<BackupRecord> {
    return this.runGuarded(clusterId, options);
  }

  async configure(clusterId: string, schedule: BackupSchedule): Promise<BackupState> {
    this.profileOf(clusterId);
    await this.store.update(clusterId, (s) => ({ ...s, schedule: { ...schedule } }));
    await this.arm(clusterId, this.options.graceMs);
    const profile = this.profileOf(clusterId);
    await this.deps.activity.record({
      cluster: profile.name,
      host: null,
      action: 'backup schedule',
      result: 'ok',
      detail: `${schedule.everyHours === null ? 'by hand only' : `every ${schedule.everyHours} h`}, keep ${schedule.keep}`,
    });
    return this.changed(clusterId);
  }

  async remove(clusterId: string, backupId: string): Promise<void> {
    const profile = this.profileOf(clusterId);
    await this.store.remove(clusterId, backupId);
    await this.deps.activity.record({ cluster: profile.name, host: null, action: `delete backup ${backupId}`, result: 'ok', detail: '' });
    await this.changed(clusterId);
  }

  /**
   * The archive decrypted and checked against its manifest's SHA-256, with the unlock key the swarm
   * had when it was taken (null without autolock). For restore; the result never leaves the core.
   */
  async open(
    clusterId: string,
    backupId: string,
    passphrase?: string,
  ): Promise<{ record: BackupRecord; tar: Buffer; unlockKey: string | null }> {
    const record = await this.store.get(clusterId, backupId);
    const file = await readFile(record.file).catch((err: unknown) => {
      throw unreadable(backupId, `it cannot be read (${(err as NodeJS.ErrnoException).code ?? 'read error'})`);
    });
    const header = readHeader(file, backupId);
    const keychainKey = header.kdf === 'keychain' ? await recallBackupKey(this.deps.vault, clusterId) : null;
    const opened = await openArchive(file, { keychainKey, passphrase }, backupId);
    if (sha256(opened.tar) !== record.sha256) throw unreadable(backupId, 'its content does not match the checksum in its manifest');
    return { record, tar: opened.tar, unlockKey: opened.secrets.unlockKey };
  }

  private async runGuarded(clusterId: string, options: RunOptions): Promise<BackupRecord> {
    this.profileOf(clusterId);
    if (this.running.has(clusterId)) throw refusal('a backup of this cluster is already running');
    this.running.add(clusterId);
    await this.changed(clusterId);
    try {
      const record = await BackupRun.start(this.deps, this.store, this.options.timeouts, clusterId, options);
      await this.store.update(clusterId, (s) => ({ ...s, lastFailure: null }));
      await this.retention(clusterId);
      return record;
    } catch (err) {
      const error =
        err instanceof CoreError ? err.toContractError() : { code: 'INTERNAL' as const, message: 'The backup failed unexpectedly' };
      await this.store.update(clusterId, (s) => ({ ...s, lastFailure: { at: new Date().toISOString(), error } }));
      throw err;
    } finally {
      this.running.delete(clusterId);
      await this.arm(clusterId, 0);
      await this.changed(clusterId).catch(() => undefined);
    }
  }

  /** Deletes the archives beyond the schedule's `keep`, oldest first. */
  private async retention(clusterId: string): Promise<void> {
    const emit = (state: 'running' | 'done' | 'skipped', detail?: string): void =>
      this.deps.events.emit('backups:progress', { clusterId, step: 'retention', state, ...(detail ? { detail } : {}) });
    const { keep } = this.store.settings(clusterId).schedule;
    const extra = beyondKeep(await this.store.list(clusterId), keep);
    if (extra.length === 0) return emit('skipped');
    emit('running');
    for (const record of extra) await this.store.remove(clusterId, record.id);
    const profile = this.profileOf(clusterId);
    await this.deps.activity.record({
      cluster: profile.name,
      host: null,
      action: `delete old backups (keep ${keep})`,
      result: 'ok',
      detail: extra.map((r) => r.id).join(', '),
    });
    emit('done', extra.map((r) => r.id).join(', '));
  }

  /** A routine backup when due; its failure is kept as lastFailure and logged, never thrown. */
  private async routine(clusterId: string): Promise<void> {
    const profile = this.deps.profiles.list().find((c) => c.id === clusterId);
    const settings = this.store.settings(clusterId);
    if (!profile || settings.schedule.everyHours === null) return;
    if (this.running.has(clusterId)) return void (await this.arm(clusterId, 10 * 60_000));
    await this.store.update(clusterId, (s) => ({ ...s, lastAttemptAt: new Date().toISOString() }));
    try {
      await this.runGuarded(clusterId, { acknowledgeSingleManager: false, encryption: 'keychain' });
    } catch (err) {
      const code: ErrorCode | 'UNKNOWN' = err instanceof CoreError ? err.code : 'UNKNOWN';
      this.deps.logger.warn('routine backup failed', { cluster: profile.name, code });
    }
  }

  /** Sets the cluster's timer: due after the newest backup or attempt, plus the interval; never sooner than `minDelayMs`. */
  private async arm(clusterId: string, minDelayMs: number): Promise<void> {
    const settings = this.store.settings(clusterId);
    const every = settings.schedule.everyHours;
    if (every === null || !this.deps.profiles.list().some((c) => c.id === clusterId)) return this.timers.cancel(clusterId);
    const newest = (await this.store.list(clusterId))[0]?.createdAt;
    const last = [newest, settings.lastAttemptAt]
      .filter((t): t is string => !!t)
      .sort()
      .at(-1);
    const due = last ? Date.parse(last) + every * HOUR_MS : Date.now();
    this.timers.set(clusterId, new Date(Math.max(due, Date.now() + minDelayMs)));
  }

  private async changed(clusterId: string): Promise<BackupState> {
    const state = await this.get(clusterId);
    this.deps.events.emit('backups:changed', state);
    return state;
  }

  private profileOf(clusterId: string) {
    const profile = this.deps.profiles.list().find((c) => c.id === clusterId);
    if (!profile) throw new CoreError('NOT_FOUND', `No cluster with id ${clusterId}`, { params: { id: clusterId } });
    return profile;
  }
}
