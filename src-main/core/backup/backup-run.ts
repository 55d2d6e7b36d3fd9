import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BackupEncryption, BackupNodeRef, BackupProgress, BackupRecord, BackupStep, ClusterProfile } from '../../contract.js';
import type { ClusterLink } from '../docker/cluster-link.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import type { PlanHostHandle } from '../swarm/plan-hosts.js';
import { dockerMessage, swarmApi, unlockKeyAccount, type SwarmInspect } from '../swarm/swarm-api.js';
import { ArchiveSealer, openArchive, sha256, type SealKey } from './archive-format.js';
import { chooseBackupNode, refusal } from './backup-guard.js';
import { sealKeyFor } from './backup-keys.js';
import {
  dockerUnits,
  StepFailure,
  streamSwarmTar,
  sudoMust,
  unlockNode,
  waitDockerBack,
  waitReachable,
  type RemoteTimeouts,
} from './backup-remote.js';
import type { BackupStore, PendingArchive } from './backup-store.js';
import { clearDockerStartLimit } from '../docker/docker-unit.js';

export interface RunOptions {
  nodeId?: string | undefined;
  acknowledgeSingleManager: boolean;
  encryption: BackupEncryption;
  passphrase?: string | undefined;
}

interface Prepared {
  node: BackupNodeRef;
  handle: PlanHostHandle;
  swarm: SwarmInspect;
  key: SealKey;
  sealer: ArchiveSealer;
  managers: number;
  dockerVersion: string;
  dockerRoot: string;
  autolock: boolean;
}

/**
 * One backup, step by step, as an operator would do it by hand: pick a manager whose stop keeps
 * quorum, read the unlock key while the swarm is whole, stop Docker there, stream the swarm folder
 * here (sealed as it arrives), and bring the node back — started, unlocked, Reachable — whatever
 * happened to the archive. Each step is pushed as `backups:progress`; the first failure is thrown
 * (BACKUP_FAILED naming the step and host) only after the node was given back to the swarm.
 */
export class BackupRun {
  private readonly started = Date.now();
  private node: BackupNodeRef | null = null;

  private constructor(
    private readonly deps: ProductionDeps,
    private readonly store: BackupStore,
    private readonly timeouts: RemoteTimeouts,
    private readonly clusterId: string,
    private readonly options: RunOptions,
    private readonly profile: ClusterProfile,
    private readonly link: ClusterLink,
  ) {}

  static async start(
    deps: ProductionDeps,
    store: BackupStore,
    timeouts: RemoteTimeouts,
    clusterId: string,
    options: RunOptions,
  ): Promise<BackupRecord> {
    const { profile, link } = await deps.clusters.linkOf(clusterId);
    return new BackupRun(deps, store, timeouts, clusterId, options, profile, link).run();
  }

  private async run(): Promise<BackupRecord> {
    let prepared: Prepared;
    let unlockKey: string | null;
    let pending: PendingArchive;
    try {
      // Nothing has changed yet: a refusal here leaves the swarm untouched.
      prepared = await this.step(
        'check',
        () => this.prepare(),
        (p) => `${p.node.hostname} (${p.node.host})`,
      );
      this.node = prepared.node;
      unlockKey = await this.readUnlockKey(prepared);
      pending = await this.store.startArchive(this.clusterId, this.store.newId(new Date(this.started)));
    } catch (err) {
      await this.record('failed', messageOf(err));
      throw err;
    }

    const stoppedAt = Date.now();
    let archiveFailure: unknown = null;
    let sha: string | null = null;
    try {
      sha = await this.takeArchive(prepared, unlockKey, pending);
    } catch (err) {
      archiveFailure = err;
    }
    // Started again whatever happened above: the archive is worth less than the node.
    let returnFailure: unknown = null;
    try {
      await this.bringBack(prepared, unlockKey);
    } catch (err) {
      returnFailure = err;
    }
    // A node that did not come back is what the operator must hear first.
    let failure: unknown = returnFailure ?? archiveFailure;
    const failureText = (): string =>
      [archiveFailure, returnFailure]
        .filter((e) => e !== null)
        .map(messageOf)
        .join('; ');
    const downMs = Date.now() - stoppedAt;

    if (sha === null) {
      await pending.discard();
      this.emit('encrypt', 'skipped');
      await this.record('failed', failureText());
      throw failure;
    }
    let sealed: BackupRecord;
    try {
      sealed = await this.step(
        'encrypt',
        () => this.seal(prepared, pending, sha),
        (r) => `${r.bytes} bytes`,
      );
    } catch (err) {
      await pending.discard();
      failure ??= err;
      await this.record('failed', failure === err ? messageOf(err) : failureText());
      throw failure;
    }
    const summary = `${sealed.id}: ${sealed.bytes} bytes, ${(sealed.durationMs / 1000).toFixed(1)} s; Docker down on ${prepared.node.host} for ${(downMs / 1000).toFixed(1)} s`;
    if (failure) {
      // The archive is good (taken while Docker was stopped): it is kept, and the node's return is what failed.
      await this.record('failed', `${summary}; kept, but ${failureText()}`);
      throw failure;
    }
    await this.record('ok', summary);
    return sealed;
  }

  private async prepare(): Promise<Prepared> {
    const [swarm, nodes] = await Promise.all([
      this.link.request('read', (d) => swarmApi.inspect(d)),
      this.link.request('read', (d) => swarmApi.nodes(d)),
    ]);
    const choice = chooseBackupNode({
      nodes,
      records: this.deps.records.list(),
      nodeId: this.options.nodeId,
      acknowledgeSingleManager: this.options.acknowledgeSingleManager,
      linkManager: this.link.state.state === 'using' ? this.link.state.manager : null,
    });
    if (choice.refused || !choice.node) throw choice.refused ?? refusal('no manager can be stopped');
    const node = choice.node;
    const handle = this.deps.planHosts.get(node.host);
    const engine = await confirmNode(handle, node);
    const key = await sealKeyFor(this.deps.vault, this.deps.keychain, this.clusterId, this.options.encryption, this.options.passphrase);
    return {
      node,
      handle,
      swarm,
      key,
      sealer: await ArchiveSealer.create(key),
      managers: nodes.filter((n) => n.Spec.Role === 'manager').length,
      dockerVersion: nodes.find((n) => n.ID === node.id)?.Description?.Engine?.EngineVersion ?? engine.version ?? '',
      dockerRoot: engine.root,
      autolock: swarm.Spec.EncryptionConfig?.AutoLockManagers === true,
    };
  }

  /** Read while the swarm is whole (Docker's API gives the current key); the keychain's copy is the fallback. */
  private async readUnlockKey(p: Prepared): Promise<string | null> {
    if (!p.autolock) {
      this.emit('unlock-key', 'skipped');
      return null;
    }
    return this.step('unlock-key', async () => {
      const fromSwarm = await this.link.request('read', (d) => swarmApi.unlockKey(d)).catch(() => null);
      const key = fromSwarm || (await this.deps.vault.recall(unlockKeyAccount(p.swarm.ID)).catch(() => null));
      if (!key) {
        throw refusal(
          `autolock is on and the unlock key can be read neither from the swarm nor from the keychain: ${p.node.hostname} would stay locked after its restart`,
        );
      }
      return key;
    });
  }

  /** Stops Docker and streams the swarm folder into the sealed file; the SHA-256 of the plain tar. */
  private async takeArchive(p: Prepared, unlockKey: string | null, pending: PendingArchive): Promise<string> {
    await this.step('stop', async () =>
      sudoMust(p.handle, ['systemctl', 'stop', ...(await dockerUnits(p.handle))], this.timeouts.serviceMs),
    );
    const hash = createHash('sha256');
    let bytes = 0;
    await this.step(
      'archive',
      async () => {
        await pending.handle.write(p.sealer.header);
        await pending.handle.write(p.sealer.secrets({ unlockKey }));
        await streamSwarmTar(
          p.handle,
          p.dockerRoot,
          async (chunk) => {
            hash.update(chunk);
            bytes += chunk.length;
            await pending.handle.write(p.sealer.update(chunk));
          },
          this.timeouts.archiveMs,
        );
      },
      () => `${bytes} bytes`,
    );
    return hash.digest('hex');
  }

  private async bringBack(p: Prepared, unlockKey: string | null): Promise<void> {
    const state = await this.step('start', async () => {
      try {
        await clearDockerStartLimit(p.handle);
        await sudoMust(p.handle, ['systemctl', 'start', 'docker'], this.timeouts.serviceMs);
        return await waitDockerBack(p.handle, this.timeouts.dockerBackMs);
      } catch (err) {
        // Loud: a node is down because of the app, and only a person can look at why.
        this.deps.logger.error('backup: Docker did not start again', { cluster: this.profile.name, host: p.node.host });
        throw new StepFailure(
          `Docker did not start again (${messageOf(err)}). ${p.node.host} is DOWN; the swarm runs on the other managers. Start it by hand: sudo systemctl start docker`,
        );
      }
    });
    if (state === 'locked') {
      await this.step('unlock', async () => {
        if (!unlockKey) throw new StepFailure('the node came back locked and no unlock key was read before the stop');
        await unlockNode(p.handle, unlockKey);
        if ((await waitDockerBack(p.handle, this.timeouts.dockerBackMs)) === 'locked') {
          throw new StepFailure('the node is still locked after the unlock');
        }
      });
    } else this.emit('unlock', 'skipped');
    await this.step('reachable', () => waitReachable(this.link, p.node.id, this.timeouts.reachableMs));
  }

  /** Seals, keeps, and reads the file back once: an archive that does not open is no backup. */
  private async seal(p: Prepared, pending: PendingArchive, plainSha: string): Promise<BackupRecord> {
    await pending.handle.write(p.sealer.final());
    await pending.commit();
    const file = await readFile(pending.path);
    const opened = await openArchive(
      file,
      p.key.kind === 'keychain' ? { keychainKey: p.key.key, passphrase: undefined } : { keychainKey: null, passphrase: p.key.passphrase },
      pending.id,
    );
    if (sha256(opened.tar) !== plainSha) throw new StepFailure('the sealed archive does not read back as what arrived');
    const record: BackupRecord = {
      id: pending.id,
      clusterId: this.clusterId,
      file: pending.path,
      createdAt: new Date(this.started).toISOString(),
      swarmId: p.swarm.ID,
      node: p.node,
      dockerVersion: p.dockerVersion,
      bytes: file.length,
      sha256: plainSha,
      encryption: this.options.encryption,
      durationMs: Date.now() - this.started,
      managers: p.managers,
      autolock: p.autolock,
    };
    await this.store.writeRecord(record);
    return record;
  }

  /** Runs one step; a StepFailure becomes BACKUP_FAILED for that step and host, a CoreError passes as it is. */
  private async step<T>(name: BackupStep, run: () => Promise<T>, done?: (value: T) => string): Promise<T> {
    this.emit(name, 'running');
    try {
      const value = await run();
      const detail = done?.(value);
      this.emit(name, 'done', detail ? { detail } : {});
      return value;
    } catch (err) {
      const host = this.node?.host ?? this.profile.name;
      const error =
        err instanceof CoreError
          ? err
          : new CoreError('BACKUP_FAILED', `The backup stopped at “${name}” on ${host}: ${messageOf(err)}`, {
              params: { step: name, host, detail: messageOf(err) },
              cause: err,
            });
      this.emit(name, 'failed', { error: error.toContractError() });
      throw error;
    }
  }

  private emit(step: BackupStep, state: BackupProgress['state'], extra: Pick<BackupProgress, 'detail' | 'error'> = {}): void {
    this.deps.events.emit('backups:progress', { clusterId: this.clusterId, step, state, ...extra });
  }

  private async record(result: 'ok' | 'failed', detail: string): Promise<void> {
    await this.deps.activity.record({
      cluster: this.profile.name,
      host: this.node?.host ?? null,
      action: `back up the swarm state (Docker stopped on ${this.node?.hostname ?? 'a manager'} meanwhile)`,
      result,
      detail,
    });
  }
}

/**
 * The SSH host must be this very node (a Hosts entry matched by name could be another machine), and
 * its sudo must not ask for a password. Returns its engine version and Docker's root folder.
 */
async function confirmNode(handle: PlanHostHandle, node: BackupNodeRef): Promise<{ version: string | undefined; root: string }> {
  const engine = await handle.docker
    .request('read', (d) => swarmApi.info(d))
    .catch((err: unknown) => {
      throw refusal(`${node.host} cannot be reached over SSH: ${messageOf(err)}`);
    });
  if (engine.Swarm?.NodeID !== node.id) {
    throw refusal(`${node.host} in Hosts is not the node ${node.hostname} (${node.id}) of this swarm`);
  }
  try {
    await sudoMust(handle, ['true'], 30_000);
  } catch (err) {
    throw refusal(`Docker on ${node.host} cannot be stopped: ${messageOf(err)}`);
  }
  const root = (engine as { DockerRootDir?: string }).DockerRootDir;
  // An absolute path without `..`: it becomes tar's -C.
  if (!root || !root.startsWith('/') || root.split('/').includes('..')) throw refusal(`${node.host} reports no usable Docker root folder`);
  return { version: engine.ServerVersion, root };
}

export function messageOf(err: unknown): string {
  if (err instanceof CoreError || err instanceof StepFailure) return err.message;
  return dockerMessage(err);
}
