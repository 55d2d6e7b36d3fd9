import type Docker from 'dockerode';
import type { BootstrapOutcome, BootstrapStepId, NodeRole } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { RunContext, StepResult } from './bootstrap.js';
import * as cmd from './commands.js';
import { readEngineInfo } from './host-facts.js';
import type { PlanHostHandle } from './plan-hosts.js';
import { dockerMessage, swarmApi, unlockKeyAccount, type SwarmNode } from './swarm-api.js';
import { membership, readPlanState } from './swarm-state.js';

type Op = <T>(
  host: string,
  command: string,
  via: PlanHostHandle,
  call: (docker: Docker) => Promise<T>,
  confirm?: () => Promise<boolean>,
) => Promise<T | undefined>;

export interface StepTools {
  handle: (alias: string) => PlanHostHandle;
  vault: SecretVault;
  op: Op;
  log: (line: string) => void;
  readyTimeoutMs: number;
  saveProfile: () => Promise<void>;
}

const POLL_MS = 250;
const NETWORK_SETTLE_MS = 5_000;

/** The bootstrap's steps; each reads the current state first and does only what is missing. */
export class BootstrapSteps {
  summary: BootstrapOutcome['summary'] = null;

  constructor(
    private readonly ctx: RunContext,
    private readonly tools: StepTools,
  ) {}

  /** The swarm's own steps; the production steps after `verify` are ExtrasSteps'. */
  run(step: Exclude<BootstrapStepId, 'registry' | 'backups' | 'edge' | 'pools'>, host: string | null): Promise<StepResult> {
    switch (step) {
      case 'init':
        return this.init();
      case 'joinManager':
        return this.joinOne(host!, 'manager');
      case 'joinWorkers':
        return this.joinWorkers();
      case 'drainManagers':
        return this.drainManagers();
      case 'networks':
        return this.networks();
      case 'verify':
        return this.verify();
    }
  }

  private get anchor(): PlanHostHandle {
    return this.tools.handle(this.ctx.anchor);
  }

  private read<T>(call: (docker: Docker) => Promise<T>, via = this.anchor): Promise<T> {
    return via.docker.request('read', call);
  }

  private async init(): Promise<StepResult> {
    const { ctx } = this;
    const h = this.anchor;
    let kind = membership(ctx.state, ctx.anchor);
    if (kind === 'locked') {
      await this.unlock(h);
      ctx.state = await readPlanState(ctx.plan, this.tools.handle);
      kind = membership(ctx.state, ctx.anchor);
    }
    if (ctx.state.anchor) {
      ctx.swarmId = ctx.state.swarmId;
      await this.ensureAutolock();
      await this.tools.saveProfile();
      return { state: 'skipped', code: 'ALREADY_ACTIVE', params: { swarmId: ctx.swarmId ?? '' } };
    }
    if (kind === 'other' || kind === 'this') throw inOtherSwarm(ctx.anchor);
    if (kind === 'unreachable')
      throw new CoreError('DOCKER_UNREACHABLE', `Docker did not answer on ${ctx.anchor}`, { params: { host: ctx.anchor } });
    if (kind === 'pending' || kind === 'error') await this.leaveForce(h);
    const advertise = ctx.advertise.get(ctx.anchor)!;
    const pool = ctx.plan.addressPool;
    const body = {
      ListenAddr: cmd.LISTEN_ADDR,
      AdvertiseAddr: advertise,
      ...(pool ? { DefaultAddrPool: pool.subnets, SubnetSize: pool.subnetSize } : {}),
      Spec: { EncryptionConfig: { AutoLockManagers: ctx.plan.autolock } },
    };
    await this.tools.op(
      ctx.anchor,
      cmd.initCommand({ advertise, pool, autolock: ctx.plan.autolock }),
      h,
      (d) => swarmApi.init(d, body),
      () => this.isActiveManager(h),
    );
    ctx.state = await readPlanState(ctx.plan, this.tools.handle);
    if (!ctx.state.anchor)
      throw new CoreError('VERIFY_FAILED', `${ctx.anchor} is not a manager after swarm init`, { params: { detail: ctx.anchor } });
    ctx.swarmId = ctx.state.swarmId;
    const anchorId = ctx.state.infos.get(ctx.anchor)?.Swarm?.NodeID;
    if (anchorId) ctx.nodeIds.set(ctx.anchor, anchorId);
    if (ctx.plan.autolock) await this.keepUnlockKey();
    await this.tools.saveProfile();
    return { state: 'done', code: 'INITIALIZED', params: { swarmId: ctx.swarmId ?? '' } };
  }

  /** An existing swarm gets the plan's autolock setting (full spec sent back) and its key kept. */
  private async ensureAutolock(): Promise<void> {
    const swarm = await this.read((d) => swarmApi.inspect(d));
    const current = swarm.Spec.EncryptionConfig?.AutoLockManagers === true;
    if (current !== this.ctx.plan.autolock) {
      const spec = { ...swarm.Spec, EncryptionConfig: { ...swarm.Spec.EncryptionConfig, AutoLockManagers: this.ctx.plan.autolock } };
      await this.tools.op(this.ctx.anchor, cmd.autolockCommand(this.ctx.plan.autolock), this.anchor, (d) =>
        swarmApi.update(d, swarm, spec),
      );
    }
    if (this.ctx.plan.autolock && (await this.tools.vault.recall(unlockKeyAccount(swarm.ID))) === null) await this.keepUnlockKey();
  }

  /** Reads the unlock key and keeps it in the keychain (and memory): never logged, shown once on request. */
  private async keepUnlockKey(): Promise<void> {
    const key = await this.read((d) => swarmApi.unlockKey(d));
    if (!key || !this.ctx.swarmId) return;
    const { persisted } = await this.tools.vault.remember(unlockKeyAccount(this.ctx.swarmId), key, { persist: true });
    this.tools.log(persisted ? 'unlock key saved in the keychain' : 'no keychain: unlock key kept in memory for this session only');
    this.ctx.unlockKeyNew = key;
  }

  private async unlock(h: PlanHostHandle): Promise<void> {
    const swarmId = this.ctx.swarmId ?? this.ctx.state.swarmId;
    const key = swarmId ? await this.tools.vault.recall(unlockKeyAccount(swarmId)) : null;
    if (!key) throw new CoreError('SWARM_LOCKED', `${h.alias} is locked and no unlock key is known for it`, { params: { host: h.alias } });
    await this.tools.op(h.alias, cmd.unlockCommand, h, (d) => swarmApi.unlock(d, key));
  }

  private async leaveForce(h: PlanHostHandle): Promise<void> {
    this.tools.log(`${h.alias}: stuck joining (pending) or in error: leaving before joining again`);
    await this.tools.op(
      h.alias,
      cmd.leaveForceCommand,
      h,
      (d) => swarmApi.leave(d, true),
      async () => {
        const info = await readEngineInfo(h);
        return (info.Swarm?.LocalNodeState || 'inactive') === 'inactive';
      },
    );
  }

  private async isActiveManager(h: PlanHostHandle): Promise<boolean> {
    const swarm = (await readEngineInfo(h)).Swarm;
    return swarm?.LocalNodeState === 'active' && swarm.ControlAvailable === true;
  }

  /** Makes `alias` a `role` node of this swarm: join, promote or demote as needed, then wait until it is Ready (and Reachable). */
  private async joinOne(alias: string, role: NodeRole): Promise<StepResult> {
    const h = this.tools.handle(alias);
    let info = await readEngineInfo(h);
    let state = info.Swarm?.LocalNodeState || 'inactive';
    if (state === 'locked') {
      await this.unlock(h);
      info = await readEngineInfo(h);
      state = info.Swarm?.LocalNodeState || 'inactive';
    }
    if (state === 'active') {
      const nodes = await this.read((d) => swarmApi.nodes(d));
      const node = nodes.find((n) => n.ID === info.Swarm?.NodeID);
      if (!node) throw inOtherSwarm(alias);
      this.ctx.nodeIds.set(alias, node.ID);
      const current = node.Spec.Role === 'manager' ? 'manager' : 'worker';
      if (current === role) {
        await this.waitReady(alias, node.ID, role);
        return { state: 'skipped', code: 'ALREADY_MEMBER', params: { role } };
      }
      const name = node.Description?.Hostname ?? node.ID;
      await this.tools.op(alias, role === 'manager' ? cmd.promoteCommand(name) : cmd.demoteCommand(name), this.anchor, (d) =>
        swarmApi.updateNode(d, node, { ...node.Spec, Role: role }),
      );
      await this.waitReady(alias, node.ID, role);
      return { state: 'done', code: role === 'manager' ? 'PROMOTED' : 'DEMOTED' };
    }
    if (state === 'pending' || state === 'error') await this.leaveForce(h);
    const [swarm, anchorInfo] = await Promise.all([this.read((d) => swarmApi.inspect(d)), readEngineInfo(this.anchor)]);
    const remote = `${anchorInfo.Swarm?.NodeAddr ?? this.ctx.advertise.get(this.ctx.anchor)}:2377`;
    const advertise = this.ctx.advertise.get(alias)!;
    const body = {
      ListenAddr: cmd.LISTEN_ADDR,
      AdvertiseAddr: advertise,
      RemoteAddrs: [remote],
      JoinToken: role === 'manager' ? swarm.JoinTokens.Manager : swarm.JoinTokens.Worker,
    };
    await this.tools.op(
      alias,
      cmd.joinCommand({ role, advertise, remote }),
      h,
      (d) => swarmApi.join(d, body),
      async () => {
        const after = await readEngineInfo(h);
        return after.Swarm?.LocalNodeState === 'active';
      },
    );
    const nodeId = (await readEngineInfo(h)).Swarm?.NodeID;
    if (!nodeId) throw new CoreError('NODE_NOT_READY', `${alias} did not get a node ID after joining`, { params: { host: alias } });
    this.ctx.nodeIds.set(alias, nodeId);
    await this.waitReady(alias, nodeId, role);
    return { state: 'done', code: 'JOINED', params: { role } };
  }

  private async joinWorkers(): Promise<StepResult> {
    const workers = this.ctx.plan.hosts.filter((h) => h.role === 'worker').map((h) => h.host);
    const results = await Promise.allSettled(workers.map((w) => this.joinOne(w, 'worker')));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const joined = results.filter((r) => r.status === 'fulfilled' && r.value.state === 'done').length;
    return joined === 0
      ? { state: 'skipped', code: 'ALREADY_MEMBER', params: { role: 'worker' } }
      : { state: 'done', code: 'JOINED', params: { role: 'worker', count: String(joined) } };
  }

  /** Waits until the anchor sees the node Ready, and Reachable for a manager. */
  private async waitReady(alias: string, nodeId: string, role: NodeRole): Promise<void> {
    const deadline = Date.now() + this.tools.readyTimeoutMs;
    let last = 'not listed';
    while (Date.now() < deadline) {
      const node = await this.read((d) => swarmApi.nodes(d))
        .then((nodes) => nodes.find((n) => n.ID === nodeId))
        .catch((err: unknown) => {
          last = dockerMessage(err);
          return undefined;
        });
      if (node) {
        const ready = node.Status?.State === 'ready';
        const reachable = role === 'worker' || node.ManagerStatus?.Reachability === 'reachable';
        if (ready && reachable) return;
        last = `${node.Status?.State ?? 'unknown'}${role === 'manager' ? `, ${node.ManagerStatus?.Reachability ?? 'not a manager yet'}` : ''}`;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    throw new CoreError('NODE_NOT_READY', `${alias} did not become ready in time (last seen: ${last})`, { params: { host: alias, last } });
  }

  private async drainManagers(): Promise<StepResult> {
    const nodes = await this.read((d) => swarmApi.nodes(d));
    const aliasOf = new Map((await this.planNodeIds('manager')).map(([alias, id]) => [id, alias]));
    const toDrain = nodes.filter((n) => aliasOf.has(n.ID) && n.Spec.Availability !== 'drain');
    await Promise.all(
      toDrain.map((node) => {
        const alias = aliasOf.get(node.ID) ?? '';
        return this.tools.op(alias, cmd.drainCommand(node.Description?.Hostname ?? node.ID), this.anchor, (d) =>
          swarmApi.updateNode(d, node, { ...node.Spec, Availability: 'drain' }),
        );
      }),
    );
    return toDrain.length === 0
      ? { state: 'skipped', code: 'ALREADY_DRAINED' }
      : { state: 'done', code: 'DRAINED', params: { count: String(toDrain.length) } };
  }

  /** Plan hosts of a role with their node IDs: as learnt by the join steps, else read from the host. */
  private planNodeIds(role: NodeRole): Promise<(readonly [alias: string, nodeId: string])[]> {
    return Promise.all(
      this.ctx.plan.hosts
        .filter((h) => h.role === role)
        .map(
          async (h) =>
            [h.host, this.ctx.nodeIds.get(h.host) ?? (await readEngineInfo(this.tools.handle(h.host))).Swarm?.NodeID ?? ''] as const,
        ),
    );
  }

  private async networks(): Promise<StepResult> {
    const created: string[] = [];
    for (const planned of this.ctx.plan.networks) {
      const found = await this.inspectNetwork(planned.name);
      if (found) {
        const problem = networkMismatch(planned, found);
        if (problem) {
          throw new CoreError('NETWORK_MISMATCH', `Network ${planned.name} exists with other options: ${problem.found}`, {
            params: { network: planned.name, expected: problem.expected, found: problem.found },
          });
        }
        continue;
      }
      const body = {
        Name: planned.name,
        Driver: 'overlay',
        CheckDuplicate: true,
        Attachable: planned.attachable,
        Options: planned.encrypted ? { encrypted: '' } : {},
        IPAM: { Driver: 'default', Config: [{ Subnet: planned.subnet }] },
      };
      await this.tools.op(
        this.ctx.anchor,
        cmd.networkCreateCommand(planned),
        this.anchor,
        (d) => d.createNetwork(body as Docker.NetworkCreateOptions),
        async () => (await this.inspectNetwork(planned.name)) !== null,
      );
      created.push(planned.name);
    }
    return created.length === 0
      ? { state: 'skipped', code: 'NETWORK_EXISTS', params: { network: this.ctx.plan.networks.map((n) => n.name).join(', ') } }
      : { state: 'done', code: 'CREATED', params: { networks: created.join(', ') } };
  }

  /**
   * A network as inspected (GET /networks/{name}), or null when there is none. The list endpoint is
   * trusted alone: right after a create it has returned the entry without its driver and IPAM yet
   * (seen on 20.10). A still-empty driver is re-read for a few seconds before it counts.
   */
  private async inspectNetwork(name: string): Promise<ListedNetwork | null> {
    const deadline = Date.now() + NETWORK_SETTLE_MS;
    for (;;) {
      const all = await this.read((d) => d.listNetworks({ filters: { name: [name] } }));
      const match = all.find((n) => n.Name === name);
      if (!match) return null;
      const found = await this.read((d) => d.getNetwork(match.Id).inspect() as Promise<ListedNetwork>);
      if (found.Driver || Date.now() > deadline) return found;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private async verify(): Promise<StepResult> {
    const { plan } = this.ctx;
    const nodes = await this.read((d) => swarmApi.nodes(d));
    const problems: string[] = [];
    const [managerIds, workerIds] = await Promise.all([this.planNodeIds('manager'), this.planNodeIds('worker')]);
    for (const [role, ids] of [
      ['manager', managerIds],
      ['worker', workerIds],
    ] as const) {
      for (const [alias, id] of ids) {
        const node = nodes.find((n) => n.ID === id);
        if (!node) problems.push(`${alias} is not a node of the swarm`);
        else {
          if ((node.Spec.Role ?? 'worker') !== role) problems.push(`${alias} is a ${node.Spec.Role ?? 'worker'}, planned ${role}`);
          if (node.Status?.State !== 'ready') problems.push(`${alias} is ${node.Status?.State ?? 'unknown'}`);
          if (role === 'manager' && plan.dedicatedManagers && node.Spec.Availability !== 'drain') problems.push(`${alias} is not drained`);
        }
      }
    }
    for (const planned of plan.networks) {
      const found = await this.inspectNetwork(planned.name);
      if (!found) problems.push(`network ${planned.name} is missing`);
      else {
        const mismatch = networkMismatch(planned, found);
        if (mismatch) problems.push(`network ${planned.name}: ${mismatch.found}`);
      }
    }
    const leader = nodes.find((n) => n.ManagerStatus?.Leader);
    if (!leader) problems.push('no leader');
    if (problems.length > 0) throw new CoreError('VERIFY_FAILED', problems.join('; '), { params: { detail: problems.join('; ') } });
    await this.tools.saveProfile();
    const managers = nodes.filter((n) => n.Spec.Role === 'manager').length;
    const leaderName = leader?.Description?.Hostname ?? '';
    this.summary = { nodes: nodes.length, managers, leader: leaderName || null, networks: plan.networks.map((n) => n.name) };
    this.tools.log(cmd.verifyCommands(plan.networks.map((n) => n.name)).join('; '));
    return { state: 'done', code: 'VERIFIED', params: { nodes: String(nodes.length), managers: String(managers), leader: leaderName } };
  }
}

interface ListedNetwork {
  Name: string;
  Driver?: string;
  Attachable?: boolean;
  Options?: Record<string, string> | null;
  IPAM?: { Config?: { Subnet?: string }[] | null };
}

function networkMismatch(
  planned: { subnet: string; encrypted: boolean; attachable: boolean },
  found: ListedNetwork,
): { expected: string; found: string } | null {
  const subnets = (found.IPAM?.Config ?? []).map((c) => c.Subnet ?? '');
  const encrypted = found.Options ? 'encrypted' in found.Options : false;
  const actual = `${found.Driver ?? '?'} ${subnets.join(',') || 'no subnet'}${encrypted ? ' encrypted' : ''}${found.Attachable ? ' attachable' : ''}`;
  const expected = `overlay ${planned.subnet}${planned.encrypted ? ' encrypted' : ''}${planned.attachable ? ' attachable' : ''}`;
  return actual === expected ? null : { expected, found: actual };
}

function inOtherSwarm(alias: string): CoreError {
  return new CoreError('HOST_IN_OTHER_SWARM', `${alias} belongs to another swarm; it is never taken over silently`, {
    params: { host: alias },
  });
}

export type { SwarmNode };
