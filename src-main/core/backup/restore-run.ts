import type { BackupRecord, ClusterProfile, RestoreOutcome, RestoreStep } from '../../contract.js';
import { matchHost } from '../clusters/adoption.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import type { PlanHostHandle } from '../swarm/plan-hosts.js';
import { dial, swarmApi, unlockKeyAccount, type SwarmNode } from '../swarm/swarm-api.js';
import { withTimeout } from '../util/with-timeout.js';
import type { SwarmBackups } from './backup-service.js';
import {
  advertiseAddress,
  dockerRoot,
  failureDetail,
  NotYet,
  readEngine,
  StepFailure,
  sudoMust,
  waitDocker,
  waitFor,
} from './restore-host.js';
import { addManagers, removeOldManagers, staleRaftAddress } from './restore-managers.js';
import { unlockNodeKey } from './restore-node-key.js';
import { retargetDockerState } from './restore-state-file.js';
import { clearDockerStartLimit } from '../docker/docker-unit.js';

export interface RestoreTimeouts {
  /** systemctl stop/start. */
  serviceMs: number;
  /** Streaming and unpacking the tar. */
  replaceMs: number;
  /** Docker answering again after the start, with the restored state loaded. */
  dockerBackMs: number;
  /** `swarm init --force-new-cluster` and the node coming up as the only manager. */
  initMs: number;
  /** Each re-added manager Ready and Reachable. */
  joinMs: number;
}

export const DEFAULT_RESTORE_TIMEOUTS: RestoreTimeouts = {
  serviceMs: 120_000,
  replaceMs: 15 * 60_000,
  dockerBackMs: 180_000,
  initMs: 180_000,
  joinMs: 240_000,
};

export interface RestoreInput {
  clusterId: string;
  backupId: string;
  host: string;
  passphrase?: string;
  managers: string[];
}

/** The steps a restore of this backup runs, in order. The node key is unlocked before Docker starts (see restore-node-key.ts). */
export function restoreSteps(record: Pick<BackupRecord, 'autolock'>): RestoreStep[] {
  return [
    'open',
    'stop',
    'replace',
    ...(record.autolock ? (['unlock'] as const) : []),
    'start',
    'force-new-cluster',
    'services',
    ...(record.autolock ? (['rotate-unlock-key'] as const) : []),
    'add-managers',
  ];
}

type StepResult = { state: 'done' | 'skipped'; detail: string };

/**
 * One restore: each step is pushed as `restore:step` and logged (never a secret); a failed step
 * stops the run with RESTORE_FAILED, saying what state it left the host in.
 */
export class RestoreRun {
  private record: BackupRecord | null = null;
  private root = '/var/lib/docker';
  /** Where the host's own swarm folder went; null until it was moved. */
  private aside: string | null = null;
  private touched = false;
  private started = false;
  private usedKey: string | null = null;
  private readonly target: PlanHostHandle;

  constructor(
    private readonly deps: ProductionDeps,
    private readonly backups: SwarmBackups,
    private readonly profile: ClusterProfile,
    private readonly input: RestoreInput,
    private readonly timeouts: RestoreTimeouts,
  ) {
    this.target = deps.planHosts.get(input.host);
  }

  async run(): Promise<RestoreOutcome> {
    const { host } = this.input;
    let tar: Buffer = Buffer.alloc(0);
    let archiveKey: string | null = null;
    await this.step('open', `restore: open backup ${this.input.backupId}`, async () => {
      const opened = await this.backups.open(this.input.clusterId, this.input.backupId, this.input.passphrase);
      this.record = opened.record;
      tar = opened.tar;
      archiveKey = opened.unlockKey;
      return { state: 'done', detail: `${opened.tar.length} bytes, swarm ${opened.record.swarmId}` };
    });
    const record = this.record!;
    const addr = await advertiseAddress(this.target).catch(() => this.target.record.address);
    await this.step('stop', 'sudo systemctl stop docker docker.socket', async () => {
      this.root = dockerRoot(await readEngine(this.target));
      this.touched = true;
      // The socket unit too, where there is one: it would start Docker again at the first connection.
      const socket = await this.target.exec(['systemctl', 'cat', 'docker.socket'], { timeoutMs: 30_000 }).catch(() => null);
      const units = socket?.code === 0 ? ['docker.socket', 'docker'] : ['docker'];
      await sudoMust(this.target, ['systemctl', 'stop', ...units], this.timeouts.serviceMs);
      return { state: 'done', detail: '' };
    });
    const aside = `${this.root}/swarm.before-restore-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
    await this.step(
      'replace',
      `move ${this.root}/swarm aside to ${aside}; sudo tar -C ${this.root} -xzf - (backup ${record.id})`,
      async () => {
        // Kept, not deleted: the host's previous swarm state stays recoverable by hand.
        await sudoMust(this.target, ['sh', '-c', `if [ -e "$1/swarm" ]; then mv "$1/swarm" "$2"; fi`, 'sh', this.root, aside], 60_000);
        this.aside = aside;
        await sudoMust(this.target, ['tar', '-C', this.root, '-xzf', '-'], this.timeouts.replaceMs, tar);
        const stateFile = `${this.root}/swarm/docker-state.json`;
        const { text, changed } = retargetDockerState(await sudoMust(this.target, ['cat', stateFile], 30_000), addr);
        if (changed.length) await sudoMust(this.target, ['sh', '-c', 'umask 077; cat > "$1"', 'sh', stateFile], 30_000, text);
        const moved = changed.length ? `; addresses set for this host: ${changed.join(', ')}` : '';
        return { state: 'done', detail: `the previous swarm folder is kept at ${aside}${moved}` };
      },
    );
    if (record.autolock)
      await this.step('unlock', 'unlock the restored node key with the unlock key valid at backup time', () => this.unlock(archiveKey));
    await this.step('start', 'sudo systemctl start docker', async () => {
      await clearDockerStartLimit(this.target);
      await sudoMust(this.target, ['systemctl', 'start', 'docker'], this.timeouts.serviceMs);
      this.started = true;
      // A restored manager without its peers stays `pending`; it takes the init once its control API is up.
      const info = await waitDocker(
        this.target,
        this.timeouts.dockerBackMs,
        (i) => i.Swarm?.LocalNodeState === 'locked' || i.Swarm?.ControlAvailable === true,
      );
      const state = info.Swarm?.LocalNodeState ?? 'inactive';
      if (state === 'locked') throw new StepFailure('Docker came up locked: the node key of the backup is still encrypted');
      return { state: 'done', detail: `swarm state ${state}` };
    });
    let selfId = '';
    let removed: SwarmNode[] = [];
    await this.step(
      'force-new-cluster',
      `docker swarm init --force-new-cluster --advertise-addr ${addr} --listen-addr 0.0.0.0:2377`,
      async () => {
        await withTimeout(
          this.target.docker.request('write', (d) =>
            swarmApi.init(d, { ListenAddr: '0.0.0.0:2377', AdvertiseAddr: addr, ForceNewCluster: true }),
          ),
          this.timeouts.initMs,
        );
        const info = await waitDocker(
          this.target,
          this.timeouts.initMs,
          (i) => i.Swarm?.LocalNodeState === 'active' && i.Swarm.ControlAvailable === true,
        );
        if (info.Swarm?.Cluster?.ID !== record.swarmId)
          throw new StepFailure(`the swarm came up as ${info.Swarm?.Cluster?.ID ?? 'none'}, not the backup's ${record.swarmId}`);
        selfId = info.Swarm.NodeID ?? '';
        removed = await removeOldManagers(this.target, selfId);
        const names = removed.map((n) => n.Description?.Hostname ?? n.ID);
        return { state: 'done', detail: `one manager; old manager entries removed: ${names.length ? names.join(', ') : 'none'}` };
      },
    );
    let services = 0;
    await this.step('services', 'check that the services are back (docker service ls)', async () => {
      services = await waitFor('the restored node Ready with its services', this.timeouts.initMs, async () => {
        const nodes = await this.target.docker.request('read', (d) => swarmApi.nodes(d));
        if (nodes.find((n) => n.ID === selfId)?.Status?.State !== 'ready') return new NotYet('the node is not Ready yet');
        return (await this.target.docker.request('read', (d) => d.listServices())).length;
      });
      await this.saveProfile(removed, []);
      return { state: 'done', detail: `${services} services` };
    });
    if (record.autolock)
      await this.step('rotate-unlock-key', 'docker swarm update --autolock=true (a new unlock key)', () => this.rotateUnlockKey());
    let joined: string[] = [];
    await this.step(
      'add-managers',
      `docker swarm join --token <manager token> ${addr}:2377 (on ${this.input.managers.join(', ') || 'none'})`,
      async () => {
        if (this.input.managers.length === 0) {
          const stale = await staleRaftAddress(this.target, selfId, addr);
          const note = stale
            ? `; Docker still gives this manager the backup node's raft address ${stale}, so add managers through a restore`
            : '';
          return { state: 'skipped', detail: `no managers chosen${note}` };
        }
        joined = await addManagers(
          {
            target: this.target,
            targetAddr: addr,
            selfId,
            swarmId: record.swarmId,
            planHosts: this.deps.planHosts,
            joinMs: this.timeouts.joinMs,
            progress: (detail) => this.emit('add-managers', 'running', detail),
          },
          this.input.managers,
        );
        return { state: 'done', detail: `${joined.length + 1} managers: ${[host, ...joined].join(', ')}` };
      },
    );
    const saved = await this.saveProfile(removed, joined);
    this.deps.topology.refresh(saved.id);
    return { clusterId: saved.id, services, managers: [host, ...joined] };
  }

  /** The profile points at the restored node and the re-added managers; the old managers' hosts leave it. */
  private async saveProfile(removed: SwarmNode[], joined: string[]): Promise<ClusterProfile> {
    const records = this.deps.records.list();
    const gone = new Set(removed.map((n) => matchHost(n, records)).filter((a): a is string => a !== null));
    if (this.record) gone.add(this.record.node.host);
    const first = [this.input.host, ...joined];
    const rest = this.profile.hosts.filter((h) => !gone.has(h) && !first.includes(h));
    return this.deps.profiles.saveForSwarm({ name: this.profile.name, hosts: [...first, ...rest], swarmId: this.record!.swarmId });
  }

  /** Tries the key kept in the archive, then the keychain's current and previous keys, then asks. */
  private async unlock(archiveKey: string | null): Promise<StepResult> {
    const swarmId = this.record!.swarmId;
    const file = `${this.root}/swarm/certificates/swarm-node.key`;
    const pem = await sudoMust(this.target, ['cat', file], 30_000);
    const recall = (account: string): Promise<string | null> => this.deps.vault.recall(account).catch(() => null);
    const known = [archiveKey, await recall(unlockKeyAccount(swarmId)), await recall(`${unlockKeyAccount(swarmId)}:previous`)];
    const tried = new Set<string>();
    let opened: string | null = null;
    for (const key of known) {
      if (!key || tried.has(key)) continue;
      tried.add(key);
      const result = unlockNodeKey(pem, key);
      if (result.ok) {
        opened = result.pem;
        this.usedKey = key;
        break;
      }
      if (result.reason === 'not-locked') return { state: 'skipped', detail: 'the node key of the backup is not locked' };
      if (result.reason === 'unsupported') throw new StepFailure('the node key of the backup is in a form this app cannot unlock');
    }
    if (!opened) {
      const answer = await this.deps.prompts.ask<'prompt:secret', { secret: string | null; remember: boolean }>(
        'prompt:secret',
        { kind: 'unlockKey', target: this.input.host, canRemember: false },
        { secret: null, remember: false },
      );
      const result = answer.secret ? unlockNodeKey(pem, answer.secret) : null;
      if (!result?.ok) throw new StepFailure('no unlock key at hand opens the backup: the key valid when the backup was taken is needed');
      opened = result.pem;
      this.usedKey = answer.secret;
    }
    // Through stdin into a file only root reads: the clear key never appears on a command line.
    await sudoMust(this.target, ['sh', '-c', 'umask 077; cat > "$1.restore" && mv -f "$1.restore" "$1"', 'sh', file], 30_000, opened);
    return { state: 'done', detail: 'the swarm re-locks it with its unlock key once it runs' };
  }

  /**
   * `--force-new-cluster` leaves autolock off (Docker applies the init request's spec, whose
   * autolock is false); turning it on again makes a new key. The key that opened the backup is
   * kept beside it as the previous one, so the same backup can be restored again.
   */
  private async rotateUnlockKey(): Promise<StepResult> {
    const swarm = await this.target.docker.request('read', (d) => swarmApi.inspect(d));
    const spec = { ...swarm.Spec, EncryptionConfig: { ...swarm.Spec.EncryptionConfig, AutoLockManagers: true } };
    await this.target.docker.request('write', (d) =>
      dial<void>(d, {
        path: '/swarm/update',
        method: 'POST',
        query: { version: swarm.Version.Index, rotateManagerUnlockKey: true },
        body: spec,
      }),
    );
    const key = await this.target.docker.request('read', (d) => swarmApi.unlockKey(d));
    if (!key) throw new StepFailure('Docker gave no unlock key after autolock was turned on');
    const account = unlockKeyAccount(swarm.ID);
    if (this.usedKey) await this.deps.vault.remember(`${account}:previous`, this.usedKey, { persist: true });
    const { persisted } = await this.deps.vault.remember(account, key, { persist: true });
    return {
      state: 'done',
      detail: persisted ? 'a new unlock key, stored in the keychain' : 'a new unlock key, kept for this session only (no keychain)',
    };
  }

  private emit(step: RestoreStep, state: 'running' | 'done' | 'failed' | 'skipped', detail?: string, error?: CoreError): void {
    this.deps.events.emit('restore:step', {
      backupId: this.input.backupId,
      step,
      state,
      ...(detail ? { detail } : {}),
      ...(error ? { error: error.toContractError() } : {}),
    });
  }

  private async step(name: RestoreStep, action: string, run: () => Promise<StepResult>): Promise<void> {
    const activity = (result: 'ok' | 'failed', detail: string): Promise<unknown> =>
      this.deps.activity.record({ cluster: this.profile.name, host: this.input.host, action, result, detail });
    this.emit(name, 'running');
    try {
      const result = await run();
      this.emit(name, result.state, result.detail);
      await activity('ok', result.state === 'skipped' ? `skipped: ${result.detail}` : result.detail);
    } catch (err) {
      const detail = `${failureDetail(err)}. ${this.leftState()}`;
      const error = new CoreError('RESTORE_FAILED', `The restore stopped at "${name}" on ${this.input.host}: ${detail}`, {
        params: { step: name, host: this.input.host, detail },
        cause: err,
      });
      this.emit(name, 'failed', detail, error);
      await activity('failed', detail);
      throw error;
    }
  }

  /** What the host holds now, for the failure message. */
  private leftState(): string {
    if (!this.touched) return 'Nothing on the host was changed.';
    const kept = this.aside ? ` Its previous swarm folder is kept at ${this.aside}.` : ' Its swarm folder was not replaced.';
    return `${this.started ? 'Docker is running with the restored state.' : 'Docker may be stopped on it.'}${kept}`;
  }
}
