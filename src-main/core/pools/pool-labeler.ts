import type { TopologyDiff, TopologySnapshot } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError, toContractError } from '../errors.js';
import type { EventBus } from '../events.js';
import { dockerMessage, swarmApi, type SwarmNode } from '../swarm/swarm-api.js';
import { POOL_LABEL_KEY } from './user-data.js';

/** A node as Docker lists it, with the engine labels its daemon reports (the pool marker). */
export type PoolNode = SwarmNode & { Description?: { Engine?: { Labels?: Record<string, string> } } };

export interface LabelUpdate {
  node: PoolNode;
  pool: string;
  labels: Record<string, string>;
}

/**
 * The nodes whose engine says `swarmdeck.pool=<pool>` and that lack one of the pool's label keys:
 * their labels merged with the pool's. A key already there is left as it is, whatever its value:
 * the pool sets labels on arrival, the operator may change them afterwards.
 */
export function labelUpdates(nodes: readonly PoolNode[], pools: Readonly<Record<string, Record<string, string>>>): LabelUpdate[] {
  const updates: LabelUpdate[] = [];
  for (const node of nodes) {
    const pool = node.Description?.Engine?.Labels?.[POOL_LABEL_KEY];
    const wanted = pool === undefined ? undefined : pools[pool];
    if (pool === undefined || !wanted) continue;
    const current = node.Spec.Labels ?? {};
    const missing = Object.keys(wanted).filter((k) => !Object.hasOwn(current, k));
    if (missing.length === 0) continue;
    updates.push({ node, pool, labels: { ...current, ...Object.fromEntries(missing.map((k) => [k, wanted[k]!])) } });
  }
  return updates;
}

interface Watcher {
  watch(clusterId: string): Promise<TopologySnapshot>;
  unwatch(clusterId: string): Promise<void>;
}

/**
 * Applies pool labels to nodes as they join. It holds a watch on the live model of each cluster
 * with labelled pools (so it works with no window open) and, whenever the nodes change, reads
 * the node list once and labels what needs it.
 */
export class PoolLabeler {
  private readonly followed = new Map<string, { stop: () => void }>();

  constructor(
    private readonly clusters: Pick<ClusterService, 'linkOf'>,
    private readonly topology: Watcher,
    private readonly events: EventBus,
    private readonly activity: ActivityLog,
    /** The cluster's pools and their labels, as recorded now. */
    private readonly poolsOf: (clusterId: string) => Record<string, Record<string, string>>,
    private readonly retryMs = 10_000,
  ) {}

  /** Starts following the cluster if it has pools with labels (idempotent). */
  follow(clusterId: string): void {
    if (this.followed.has(clusterId)) return;
    if (!Object.values(this.poolsOf(clusterId)).some((labels) => Object.keys(labels).length > 0)) return;
    let stopped = false;
    let watching = false;
    let running = false;
    let again = false;
    let timer: NodeJS.Timeout | null = null;
    const reconcile = (): void => {
      if (running) return void (again = true);
      running = true;
      void this.reconcile(clusterId)
        .catch(() => undefined)
        .finally(() => {
          running = false;
          if (again && !stopped) {
            again = false;
            reconcile();
          }
        });
    };
    const unsubscribe = this.events.subscribe((event, payload) => {
      const diff = payload as TopologyDiff;
      if (event === 'topology:diff' && diff.clusterId === clusterId && diff.nodes?.upsert.length) reconcile();
    });
    const open = (): void => {
      this.topology.watch(clusterId).then(
        () => {
          if (stopped) return void this.topology.unwatch(clusterId);
          watching = true;
          reconcile();
        },
        (err: unknown) => {
          if (stopped || (err instanceof CoreError && err.code === 'NOT_FOUND')) return;
          timer = setTimeout(open, this.retryMs);
          timer.unref?.();
        },
      );
    };
    this.followed.set(clusterId, {
      stop: () => {
        stopped = true;
        unsubscribe();
        if (timer) clearTimeout(timer);
        if (watching) void this.topology.unwatch(clusterId);
      },
    });
    open();
  }

  close(): void {
    for (const f of this.followed.values()) f.stop();
    this.followed.clear();
  }

  private async reconcile(clusterId: string): Promise<void> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const nodes = (await link.request('read', (d) => swarmApi.nodes(d))) as PoolNode[];
    for (const { node, pool, labels } of labelUpdates(nodes, this.poolsOf(clusterId))) {
      const host = node.Description?.Hostname ?? node.ID;
      const action = `docker node update (labels of pool ${pool}: ${Object.keys(labels).join(', ')}) ${host}`;
      try {
        await link.request('write', (d) => swarmApi.updateNode(d, node, { ...node.Spec, Labels: labels }));
        await this.activity.record({ cluster: profile.name, host, action, result: 'ok', detail: '' });
      } catch (err) {
        // An out-of-date version (someone else updated the node): the next diff brings a fresh read.
        const detail = err instanceof CoreError ? toContractError(err).message : dockerMessage(err);
        await this.activity.record({ cluster: profile.name, host, action, result: 'failed', detail });
      }
    }
  }
}
