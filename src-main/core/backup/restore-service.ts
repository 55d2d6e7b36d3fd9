import type { RestoreCheck, RestoreOutcome } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import type { SwarmBackups } from './backup-service.js';

// SKELETON (lead): the helper building restore replaces this file.
export class SwarmRestore {
  constructor(
    private readonly deps: ProductionDeps,
    private readonly backups: SwarmBackups,
  ) {}
  check(input: { clusterId: string; backupId: string; host: string; passphrase?: string }): Promise<RestoreCheck> {
    return this.todo(input);
  }
  run(input: {
    clusterId: string;
    backupId: string;
    host: string;
    passphrase?: string;
    managers: string[];
    confirm: string;
  }): Promise<RestoreOutcome> {
    return this.todo(input);
  }
  private todo(...args: unknown[]): Promise<never> {
    void args;
    void this.deps;
    void this.backups;
    return Promise.reject(new CoreError('INTERNAL', 'restore is not built yet'));
  }
}
