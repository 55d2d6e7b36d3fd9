import type { NodeRemovalStep } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import { matchHost } from '../clusters/adoption.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import type { ClusterLink } from '../docker/cluster-link.js';
import { CoreError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { HostRecords } from '../store/host-records.js';
import type { TopologyService } from '../topology/topology-service.js';
import { demoteGuard } from './cluster-operations.js';
import type { PlanHosts } from './plan-hosts.js';
import { dial, dockerMessage, swarmApi, type SwarmNode } from './swarm-api.js';

const POLL_MS = 500;
// Tasks states that still hold a container on the node.
const LIVE_STATES = new Set(['assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

export interface NodeRemovalTimeouts {
  /** How long the node's tasks may take to move away after the drain. */
  emptyMs: number;
  /** How long the swarm may take to see the node Down after it left. */
  downMs: number;
}

interface TaskListed {
  ID: string;
  ServiceID: string;
  Slot?: number;
  Status?: { State?: string };
}

type Step = (name: NodeRemovalStep, action: string, run: () => Promise<'done' | 'skipped'>) => Promise<void>;

/**
 * Removes a node without losing its work or the swarm's quorum, in the order an
 * operator would: drain, wait until its tasks run elsewhere, demote a manager
 * (guarded), `docker swarm leave` on the node itself over its SSH link, wait
 * until the swarm sees it Down, then `docker node rm`. Each step is pushed as
 * `nodes:removal` and logged; a failed step stops the run and leaves the node
 * as that step found it (drained, never half-removed).
 */
export class NodeRemoval {
  constructor(
    private readonly clusters: ClusterService,
    private readonly records: HostRecords,
    private readonly planHosts: PlanHosts,
    private readonly events: EventBus,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
    private readonly timeouts: NodeRemovalTimeouts = { emptyMs: 180_000, downMs: 60_000 },
  ) {}

  async remove(clusterId: string, nodeId: string, override: boolean): Promise<void> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const nodes = await link.request('read', (d) => swarmApi.nodes(d));
    const node = nodes.find((n) => n.ID === nodeId);
    if (!node) throw new CoreError('NOT_FOUND', `No node ${nodeId} in this swarm`, { params: { id: nodeId } });
    const host = node.Description?.Hostname ?? node.ID;
    const manager = node.Spec.Role === 'manager';
    // Checked before anything changes: a removal the guard refuses must not leave the node drained.
    if (manager) demoteGuard(node, nodes, override);
    const alias = matchHost(node, this.records.list());
    const down = node.Status?.State === 'down';
    if (!alias && !down) {
      throw new CoreError('NODE_LEAVE_FAILED', `${host} is not in Hosts, so it cannot be told to leave the swarm over SSH`, {
        params: { host, detail: 'It is not in Hosts; add it there first.' },
      });
    }

    const step: Step = async (name, action, run) => {
      const emit = (state: 'running' | 'done' | 'skipped' | 'failed', detail = ''): void =>
        this.events.emit('nodes:removal', { clusterId, nodeId, step: name, state, detail });
      emit('running');
      try {
        const result = await run();
        emit(result);
        if (result === 'done') await this.activity.record({ cluster: profile.name, host, action, result: 'ok', detail: '' });
      } catch (err) {
        const unknown = err instanceof CoreError && err.code === 'OUTCOME_UNKNOWN';
        const detail = err instanceof CoreError ? err.message : dockerMessage(err);
        emit('failed', detail);
        await this.activity.record({ cluster: profile.name, host, action, result: unknown ? 'unknown' : 'failed', detail });
        if (err instanceof CoreError) throw err;
        throw new CoreError('DOCKER_REFUSED', `Docker refused: ${detail}`, { params: { detail }, cause: err });
      } finally {
        this.topology.refresh(clusterId);
      }
    };

    await step('drain', `docker node update --availability drain ${host}`, async () => {
      const fresh = await this.node(link, nodeId);
      if (fresh.Spec.Availability === 'drain') return 'skipped';
      await link.request('write', (d) => swarmApi.updateNode(d, fresh, { ...fresh.Spec, Availability: 'drain' }));
      return 'done';
    });
    // A down node's tasks keep their last reported state (running) until Docker orphans them, a day
    // later; the swarm has already started their replacements elsewhere, so there is nothing to wait for.
    await step('wait', `wait until ${host} runs no tasks`, async () =>
      (await this.node(link, nodeId)).Status?.State === 'down' ? 'skipped' : this.waitEmpty(link, clusterId, nodeId, host),
    );
    if (manager) {
      await step('demote', `docker node demote ${host}`, async () => {
        const all = await link.request('read', (d) => swarmApi.nodes(d));
        const fresh = all.find((n) => n.ID === nodeId);
        if (!fresh || fresh.Spec.Role !== 'manager') return 'skipped';
        demoteGuard(fresh, all, override);
        await link.request('write', (d) => swarmApi.updateNode(d, fresh, { ...fresh.Spec, Role: 'worker' }));
        await this.waitUntil(
          link,
          nodeId,
          (n) => !n.ManagerStatus,
          () => {
            const detail = `the demotion of ${host} did not complete in ${this.timeouts.downMs / 1000} s`;
            return new CoreError('DOCKER_REFUSED', detail, { params: { detail } });
          },
        );
        return 'done';
      });
    }
    await step('leave', `docker swarm leave (on ${alias ?? host})`, async () => {
      if (!alias) return 'skipped';
      const handle = this.planHosts.get(alias);
      // The host may have left and joined again as another node (the entry being removed is then a
      // stale one): it must be told to leave only while it is this very node.
      const engine = await handle.docker.request('read', (d) => swarmApi.info(d)).catch(() => null);
      if (engine && engine.Swarm?.NodeID !== nodeId) return 'skipped';
      try {
        await handle.docker.request('write', (d) => swarmApi.leave(d, false));
      } catch (err) {
        const detail = err instanceof CoreError ? err.message : dockerMessage(err);
        if (/not part of a swarm/i.test(detail)) return 'skipped';
        // Already down and unreachable: the swarm can drop it without its consent.
        if (down) return 'skipped';
        throw new CoreError('NODE_LEAVE_FAILED', `${host} could not leave the swarm: ${detail}`, { params: { host, detail }, cause: err });
      }
      return 'done';
    });
    await step('remove', `docker node rm ${host}`, async () => {
      await this.waitUntil(
        link,
        nodeId,
        (n) => n.Status?.State === 'down',
        () => {
          const detail = `the swarm still sees it up ${this.timeouts.downMs / 1000} s after it left.`;
          return new CoreError('NODE_LEAVE_FAILED', `${host}: ${detail}`, { params: { host, detail } });
        },
      );
      await link.request('write', (d) => dial<void>(d, { path: `/nodes/${nodeId}`, method: 'DELETE' }));
      return 'done';
    });
  }

  private async node(link: ClusterLink, nodeId: string): Promise<SwarmNode> {
    const nodes = await link.request('read', (d) => swarmApi.nodes(d));
    const node = nodes.find((n) => n.ID === nodeId);
    if (!node) throw new CoreError('NOT_FOUND', `No node ${nodeId} in this swarm`, { params: { id: nodeId } });
    return node;
  }

  /** Until no task on the node holds a container: Docker moves replicated tasks and stops global ones. */
  private async waitEmpty(link: ClusterLink, clusterId: string, nodeId: string, host: string): Promise<'done' | 'skipped'> {
    const deadline = Date.now() + this.timeouts.emptyMs;
    let first = true;
    for (;;) {
      const tasks = (await link.request('read', (d) => d.listTasks({ filters: { node: [nodeId] } }))) as TaskListed[];
      const live = tasks.filter((t) => LIVE_STATES.has(t.Status?.State ?? ''));
      if (live.length === 0) return first ? 'skipped' : 'done';
      first = false;
      this.events.emit('nodes:removal', { clusterId, nodeId, step: 'wait', state: 'running', detail: String(live.length) });
      if (Date.now() > deadline) {
        throw new CoreError('NODE_NOT_EMPTIED', `${host} still runs ${live.length} tasks`, {
          params: { host, count: String(live.length) },
        });
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private async waitUntil(link: ClusterLink, nodeId: string, done: (node: SwarmNode) => boolean, timedOut: () => CoreError): Promise<void> {
    const deadline = Date.now() + this.timeouts.downMs;
    for (;;) {
      if (done(await this.node(link, nodeId))) return;
      if (Date.now() > deadline) throw timedOut();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
