import type { ClusterProfile, HostRecord, NodeRole, RegistryProgress } from '../../contract.js';
import { matchHost } from '../clusters/adoption.js';
import type { ClusterLink } from '../docker/cluster-link.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import { swarmApi, dockerMessage, unlockKeyAccount, type SwarmNode } from '../swarm/swarm-api.js';
import { withTimeout } from '../util/with-timeout.js';
import {
  backupStamp,
  lastLine,
  mergeInsecureRegistry,
  readDaemonJson,
  refused,
  validEndpoint,
  writeDaemonJson,
  type NodeDaemonJson,
} from './daemon-json.js';
import { notBack, waitBack, type BackTimeouts } from './daemon-wait.js';
import { clearDockerStartLimit } from '../docker/docker-unit.js';

export interface RolloutNode {
  alias: string;
  nodeId: string;
  hostname: string;
  role: NodeRole;
}

export interface DaemonRolloutTimeouts extends BackTimeouts {
  /** How long `systemctl restart docker` may take (it waits for the old dockerd to stop its containers). */
  restartMs: number;
}

const DEFAULT_TIMEOUTS: DaemonRolloutTimeouts = { restartMs: 180_000, readyMs: 120_000 };
const READ_TIMEOUT_MS = 20_000;

type Emit = (p: Omit<RegistryProgress, 'clusterId'>) => void;

/**
 * Workers first, then the managers that do not lead, the leader last: the
 * swarm then changes leader once, at the end, and only after every other
 * manager has come back. Every node must be in Hosts (its file is written over SSH).
 */
export function restartOrder(nodes: readonly SwarmNode[], records: readonly HostRecord[]): RolloutNode[] {
  const rank = (n: SwarmNode): number => (n.Spec.Role !== 'manager' ? 0 : n.ManagerStatus?.Leader ? 2 : 1);
  const sorted = [...nodes].sort(
    (a, b) => rank(a) - rank(b) || (a.Description?.Hostname ?? a.ID).localeCompare(b.Description?.Hostname ?? b.ID),
  );
  const unknown = sorted.filter((n) => !matchHost(n, [...records])).map((n) => n.Description?.Hostname ?? n.ID);
  if (unknown.length > 0) {
    throw new CoreError('CLUSTER_HOSTS_UNKNOWN', `Not in Hosts: ${unknown.join(', ')}`, { params: { hosts: unknown.join(', ') } });
  }
  return sorted.map((n) => ({
    alias: matchHost(n, [...records])!,
    nodeId: n.ID,
    hostname: n.Description?.Hostname ?? n.ID,
    role: n.Spec.Role === 'manager' ? 'manager' : 'worker',
  }));
}

/**
 * Refuses to restart a manager unless the others can keep quorum without it:
 * floor(N/2)+1 of the N managers, counted among the others that are reachable.
 * A swarm with one manager has no quorum to keep; its control plane pauses
 * for the restart, which is the only way to change that manager's config.
 */
export function restartGuard(target: RolloutNode, nodes: readonly SwarmNode[]): void {
  const managers = nodes.filter((n) => n.Spec.Role === 'manager');
  if (managers.length <= 1) return;
  const needed = Math.floor(managers.length / 2) + 1;
  const reachable = managers.filter((m) => m.ID !== target.nodeId && m.ManagerStatus?.Reachability === 'reachable').length;
  if (reachable < needed) {
    throw new CoreError(
      'QUORUM_GUARD',
      `Restarting Docker on ${target.hostname} leaves ${reachable} reachable of ${managers.length} managers; quorum needs ${needed}`,
      { params: { host: target.hostname, reachable: String(reachable), managers: String(managers.length), needed: String(needed) } },
    );
  }
}

/**
 * The insecure registry's rolling Docker restart: `insecure-registries` merged
 * into every node's daemon.json, and Docker restarted one node at a time where
 * the file changed. Every file is read and merged before anything changes, so
 * a file the operator must fix stops the rollout with nothing touched. Then,
 * node by node in `order`, the file is written and Docker restarted and waited
 * for: a node not yet reached keeps a file that matches its running Docker,
 * so a stopped rollout leaves no change waiting for the next reboot.
 */
export class DaemonRollout {
  constructor(
    private readonly deps: ProductionDeps,
    private readonly timeouts: DaemonRolloutTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  async order(clusterId: string): Promise<RolloutNode[]> {
    const { link } = await this.deps.clusters.linkOf(clusterId);
    return restartOrder(await readNodes(link), this.deps.records.list());
  }

  /**
   * An autolocked manager comes back from the restart locked. Its key is read now, while the swarm
   * is unlocked, and kept in this session's memory (not written anywhere), so the unlock after each
   * restart never waits on a question nobody may be there to answer; the current key also wins
   * over an older one in the keychain.
   */
  private async keepUnlockKey(swarmId: string | null, link: ClusterLink): Promise<void> {
    if (!swarmId) return;
    const key = await link.request('read', (d) => swarmApi.unlockKey(d)).catch(() => null);
    if (key) await this.deps.vault.remember(unlockKeyAccount(swarmId), key, { persist: false });
  }

  async run(clusterId: string, endpoint: string, emit: Emit): Promise<void> {
    if (!validEndpoint(endpoint)) throw refused(`${endpoint} is not a registry address (host:port)`);
    const { profile, link } = await this.deps.clusters.linkOf(clusterId);
    const nodes = restartOrder(await readNodes(link), this.deps.records.list());
    await this.keepUnlockKey(profile.swarmId, link);

    const plans: { node: RolloutNode; file: NodeDaemonJson; text: string | null }[] = [];
    for (const node of nodes) {
      emit({ step: 'daemon-json', target: node.alias, state: 'running', detail: 'read' });
      try {
        const file = await readDaemonJson(this.deps.planHosts.get(node.alias));
        const merged = mergeInsecureRegistry(file.text, endpoint);
        if (!merged.ok) throw refused(`${file.path} on ${node.alias}: ${merged.reason}. Fix it there; no node was changed`);
        plans.push({ node, file, text: merged.changed ? merged.text : null });
      } catch (err) {
        emit({ step: 'daemon-json', target: node.alias, state: 'failed', error: asCoreError(err).toContractError() });
        throw asCoreError(err);
      }
    }

    const stamp = backupStamp(new Date());
    for (const { node, file, text } of plans) {
      if (text === null) {
        emit({ step: 'daemon-json', target: node.alias, state: 'skipped', detail: 'already lists the registry' });
        emit({ step: 'restart', target: node.alias, state: 'skipped' });
        continue;
      }
      const handle = this.deps.planHosts.get(node.alias);
      await this.step(profile, node, 'daemon-json', emit, `write ${file.path} (insecure-registries += ${endpoint})`, async () => {
        // A file written for a restart the guard then refuses would wait for the next reboot instead.
        if (node.role === 'manager') restartGuard(node, await readNodes(link));
        await writeDaemonJson(handle, file.path, text, stamp);
        return file.text === null ? `created; there was none before (marker ${file.path}.swarmdeck-backup-*-absent)` : 'written';
      });
      await this.step(profile, node, 'restart', emit, 'systemctl restart docker', () =>
        this.restart(clusterId, profile, link, node, endpoint),
      );
    }
  }

  /** One node's Docker restarted and waited for; its detail says how long it took. */
  private async restart(
    clusterId: string,
    profile: ClusterProfile,
    link: ClusterLink,
    node: RolloutNode,
    endpoint: string,
  ): Promise<string> {
    const before = await readNodes(link);
    if (node.role === 'manager') restartGuard(node, before);
    const version = before.find((n) => n.ID === node.nodeId)?.Version.Index ?? 0;
    const managers = restartOrder(
      before.filter((n) => n.Spec.Role === 'manager'),
      this.deps.records.list(),
    ).map((m) => m.alias);
    const handle = this.deps.planHosts.get(node.alias);
    const started = Date.now();
    let result;
    try {
      await clearDockerStartLimit(handle);
      result = await handle.exec(['systemctl', 'restart', 'docker'], { sudo: true, timeoutMs: this.timeouts.restartMs });
    } catch (err) {
      const e = asCoreError(err);
      if (e.code === 'SUDO_PASSWORD_REQUIRED') throw e;
      throw notBack(node, `systemctl restart docker: ${e.message}`, e);
    }
    if (result.code !== 0) throw notBack(node, await this.failureDetail(node, result.stderr));
    await waitBack({
      deps: this.deps,
      profile,
      node,
      version,
      endpoint,
      viewers: managers.filter((alias) => alias !== node.alias),
      timeouts: this.timeouts,
    });
    this.deps.topology.refresh(clusterId);
    const seconds = (Date.now() - started) / 1000;
    this.deps.logger.info('registry: docker restarted', { host: node.alias, seconds });
    return `back in ${seconds.toFixed(1)} s`;
  }

  /** Why dockerd did not start: its own last words from the journal, else systemctl's. */
  private async failureDetail(node: RolloutNode, stderr: string): Promise<string> {
    const journal = await this.deps.planHosts
      .get(node.alias)
      .exec(['journalctl', '-u', 'docker', '-n', '30', '--no-pager', '-o', 'cat'], { sudo: true, timeoutMs: READ_TIMEOUT_MS })
      .catch(() => null);
    const lines = (journal?.stdout ?? '').split('\n');
    const reason = lines.reverse().find((l) => /failed to start daemon|unable to configure|level=fatal/i.test(l));
    return (reason?.trim().slice(0, 300) ?? '') || lastLine(stderr) || 'systemctl restart docker failed';
  }

  private async step(
    profile: ClusterProfile,
    node: RolloutNode,
    step: 'daemon-json' | 'restart',
    emit: Emit,
    action: string,
    run: () => Promise<string>,
  ): Promise<void> {
    emit({ step, target: node.alias, state: 'running' });
    try {
      const detail = await run();
      emit({ step, target: node.alias, state: 'done', detail });
      await this.deps.activity.record({ cluster: profile.name, host: node.alias, action, result: 'ok', detail });
    } catch (err) {
      const e = asCoreError(err);
      emit({ step, target: node.alias, state: 'failed', error: e.toContractError() });
      const unknown = e.code === 'EXEC_OUTCOME_UNKNOWN' || e.code === 'OUTCOME_UNKNOWN';
      await this.deps.activity.record({
        cluster: profile.name,
        host: node.alias,
        action,
        result: unknown ? 'unknown' : 'failed',
        detail: e.message,
      });
      throw e;
    }
  }
}

function readNodes(link: ClusterLink): Promise<SwarmNode[]> {
  return withTimeout(
    link.request('read', (d) => swarmApi.nodes(d)),
    READ_TIMEOUT_MS,
  );
}

function asCoreError(err: unknown): CoreError {
  if (err instanceof CoreError) return err;
  const detail = dockerMessage(err);
  return new CoreError('DOCKER_REFUSED', `Docker refused: ${detail}`, { params: { detail }, cause: err });
}
