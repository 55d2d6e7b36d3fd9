import type { RestoreCheck, RestoreOutcome } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import type { SwarmBackups } from './backup-service.js';
import { managerCandidates, readHostNow } from './restore-host.js';
import { DEFAULT_RESTORE_TIMEOUTS, restoreSteps, RestoreRun, type RestoreTimeouts } from './restore-run.js';

/**
 * Restore of a swarm from a backup onto one host (fresh, or a manager of the broken swarm): its
 * swarm state replaced by the archive's, `swarm init --force-new-cluster`, the services checked,
 * a new unlock key, managers re-added. `check` shows what would be destroyed and changes nothing.
 */
export class SwarmRestore {
  private readonly running = new Set<string>();

  constructor(
    private readonly deps: ProductionDeps,
    private readonly backups: SwarmBackups,
    private readonly timeouts: RestoreTimeouts = DEFAULT_RESTORE_TIMEOUTS,
  ) {}

  async check(input: { clusterId: string; backupId: string; host: string; passphrase?: string }): Promise<RestoreCheck> {
    this.profileOf(input.clusterId);
    // First: a wrong passphrase or a damaged archive fails here, before anything is read or touched.
    const { record } = await this.backups.open(input.clusterId, input.backupId, input.passphrase);
    const handle = this.deps.planHosts.get(input.host);
    const [{ current }, candidates] = await Promise.all([
      readHostNow(handle),
      managerCandidates(this.deps.records, this.deps.planHosts, input.host, record.swarmId),
    ]);
    return { backup: record, host: input.host, current, steps: restoreSteps(record), candidates };
  }

  async run(input: {
    clusterId: string;
    backupId: string;
    host: string;
    passphrase?: string;
    managers: string[];
    confirm: string;
  }): Promise<RestoreOutcome> {
    if (input.confirm !== input.host) {
      throw new CoreError('RESTORE_NOT_CONFIRMED', `Type ${input.host} exactly to confirm the restore`, { params: { host: input.host } });
    }
    const profile = this.profileOf(input.clusterId);
    const managers = [...new Set(input.managers)];
    const refused = (detail: string): CoreError =>
      new CoreError('RESTORE_FAILED', `The restore was not started: ${detail}`, {
        params: { step: 'add-managers', host: input.host, detail: `${detail} Nothing on the host was changed.` },
      });
    if (managers.includes(input.host)) throw refused(`${input.host} is the host being restored; it cannot also be re-added as a manager.`);
    const unknown = managers.filter((alias) => !this.deps.records.byAlias(alias));
    if (unknown.length > 0) throw refused(`not in Hosts: ${unknown.join(', ')}.`);
    if (this.running.has(input.clusterId)) throw refused('a restore of this cluster is already running.');
    this.running.add(input.clusterId);
    const started = Date.now();
    try {
      const outcome = await new RestoreRun(this.deps, this.backups, profile, { ...input, managers }, this.timeouts).run();
      this.deps.logger.info('restore finished', {
        clusterId: input.clusterId,
        backupId: input.backupId,
        host: input.host,
        managers: outcome.managers.length,
        services: outcome.services,
        durationMs: Date.now() - started,
      });
      return outcome;
    } finally {
      this.running.delete(input.clusterId);
    }
  }

  private profileOf(clusterId: string) {
    const profile = this.deps.profiles.list().find((c) => c.id === clusterId);
    if (!profile) throw new CoreError('NOT_FOUND', `No cluster with id ${clusterId}`, { params: { id: clusterId } });
    return profile;
  }
}
