import type { ClusterProfile, KeychainStatus } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import { CoreError } from '../errors.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { PromptBroker } from '../prompts/prompt-broker.js';
import { readEngineInfo } from '../swarm/host-facts.js';
import type { PlanHosts } from '../swarm/plan-hosts.js';
import { dockerMessage, swarmApi, unlockKeyAccount } from '../swarm/swarm-api.js';
import { withTimeout } from '../util/with-timeout.js';

const PROBE_TIMEOUT_MS = 8000;

/**
 * An autolocked manager comes back from a Docker restart locked. On connect,
 * every manager host of the profile is asked for its state, and the locked ones
 * are unlocked with the key from the keychain (or one the operator types).
 */
export class ManagerUnlocker {
  constructor(
    private readonly planHosts: PlanHosts,
    private readonly vault: SecretVault,
    private readonly prompts: PromptBroker,
    private readonly keychain: () => KeychainStatus,
    private readonly activity: ActivityLog,
  ) {}

  /** The hosts it unlocked. A host that does not answer in time is left to the cluster link, which reports it. */
  async unlockLocked(profile: ClusterProfile): Promise<string[]> {
    const results = await Promise.all(
      profile.hosts.map(async (alias) => {
        const handle = (() => {
          try {
            return this.planHosts.get(alias);
          } catch {
            return null;
          }
        })();
        if (!handle) return null;
        const info = await withTimeout(readEngineInfo(handle), PROBE_TIMEOUT_MS).catch(() => null);
        if (info?.Swarm?.LocalNodeState !== 'locked') return null;
        await this.unlock(profile, alias);
        return alias;
      }),
    );
    return results.filter((alias): alias is string => alias !== null);
  }

  private async unlock(profile: ClusterProfile, alias: string): Promise<void> {
    const handle = this.planHosts.get(alias);
    const account = profile.swarmId ? unlockKeyAccount(profile.swarmId) : null;
    let key = account ? await this.vault.recall(account) : null;
    let remember = false;
    if (!key) {
      const answer = await this.prompts.ask<'prompt:secret', { secret: string | null; remember: boolean }>(
        'prompt:secret',
        { kind: 'unlockKey', target: alias, canRemember: account !== null && this.keychain().status === 'available' },
        { secret: null, remember: false },
      );
      key = answer.secret;
      remember = answer.remember;
    }
    if (!key) throw new CoreError('SWARM_LOCKED', `${alias} is locked and no unlock key was given`, { params: { host: alias } });
    const unlockKey = key;
    try {
      await handle.docker.request('write', (d) => swarmApi.unlock(d, unlockKey));
    } catch (err) {
      const detail = err instanceof CoreError ? err.message : dockerMessage(err);
      await this.activity.record({ cluster: profile.name, host: alias, action: 'docker swarm unlock', result: 'failed', detail });
      // A stored key that Docker refuses is wrong (rotated elsewhere): ask next time instead.
      if (account && /invalid|incorrect/i.test(detail)) await this.vault.forget(account);
      throw new CoreError('SWARM_LOCKED', `${alias} stays locked: ${detail}`, { params: { host: alias }, cause: err });
    }
    if (account) await this.vault.remember(account, unlockKey, { persist: remember });
    await this.activity.record({
      cluster: profile.name,
      host: alias,
      action: 'docker swarm unlock',
      result: 'ok',
      detail: 'manager was locked after a restart',
    });
  }
}
