import type { BackupCheck, BackupEncryption, BackupRecord, BackupSchedule, BackupState } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';

// SKELETON (lead): the helper building backups replaces this file.
export class SwarmBackups {
  constructor(private readonly deps: ProductionDeps) {}
  async load(): Promise<void> {}
  resume(): void {}
  get(clusterId: string): Promise<BackupState> {
    return this.todo(clusterId);
  }
  check(clusterId: string, nodeId?: string): Promise<BackupCheck> {
    return this.todo(clusterId, nodeId);
  }
  run(
    clusterId: string,
    options: { nodeId?: string; acknowledgeSingleManager: boolean; encryption: BackupEncryption; passphrase?: string },
  ): Promise<BackupRecord> {
    return this.todo(clusterId, options);
  }
  configure(clusterId: string, schedule: BackupSchedule): Promise<BackupState> {
    return this.todo(clusterId, schedule);
  }
  remove(clusterId: string, backupId: string): Promise<void> {
    return this.todo(clusterId, backupId);
  }
  private todo(...args: unknown[]): Promise<never> {
    void args;
    void this.deps;
    return Promise.reject(new CoreError('INTERNAL', 'backups are not built yet'));
  }
}
