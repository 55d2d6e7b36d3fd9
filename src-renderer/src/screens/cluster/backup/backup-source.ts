import type {
  BackupCheck,
  BackupEncryption,
  BackupRecord,
  BackupSchedule,
  BackupState,
  Contract,
  HostRecord,
  RestoreCheck,
  RestoreOutcome,
} from '../../../../../src-main/contract.js';

/** What the backups tab asks of the core for one cluster; tests hand it a fake. */
export interface BackupSource {
  state(): Promise<BackupState>;
  /** Which manager a backup would stop now, or why it is refused; changes nothing. */
  check(): Promise<BackupCheck>;
  /** The passphrase (encryption `passphrase`) travels once, in this call. */
  run(input: { acknowledgeSingleManager: boolean; encryption: BackupEncryption; passphrase?: string }): Promise<BackupRecord>;
  configure(schedule: BackupSchedule): Promise<BackupState>;
  remove(backupId: string): Promise<void>;
  /** The hosts a backup can be restored on. */
  hosts(): Promise<HostRecord[]>;
  restoreCheck(input: { backupId: string; host: string; passphrase?: string }): Promise<RestoreCheck>;
  restoreRun(input: { backupId: string; host: string; passphrase?: string; managers: string[]; confirm: string }): Promise<RestoreOutcome>;
}

export function contractBackups(clusterId: string, api: Pick<Contract, 'backups' | 'restore' | 'hosts'>): BackupSource {
  return {
    state: () => api.backups.get({ clusterId }),
    check: () => api.backups.check({ clusterId }),
    run: (input) => api.backups.run({ clusterId, ...input }),
    configure: (schedule) => api.backups.configure({ clusterId, schedule }),
    remove: (backupId) => api.backups.remove({ clusterId, backupId }),
    hosts: () => api.hosts.list(),
    restoreCheck: (input) => api.restore.check({ clusterId, ...input }),
    restoreRun: (input) => api.restore.run({ clusterId, ...input }),
  };
}
