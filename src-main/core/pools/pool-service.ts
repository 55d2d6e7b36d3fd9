import { join } from 'node:path';
import { z } from 'zod';
import type { NodePoolInput, PoolScriptInfo } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { swarmApi } from '../swarm/swarm-api.js';
import type { SwarmNode } from '../swarm/swarm-api.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { EventBus } from '../events.js';
import { PoolLabeler, type PoolNode } from './pool-labeler.js';
import type { TopologyService } from '../topology/topology-service.js';
import { generateUserData, POOL_LABEL_KEY, staleReasons, stampOf } from './user-data.js';
import { readJsonFile } from '../store/json-file.js';

export const POOLS_FILE_NAME = 'pools.json';

// What a written script was made from. The token is kept only as a hash (stampOf).
const recordSchema = z.object({
  role: z.enum(['manager', 'worker']),
  labels: z.record(z.string(), z.string()),
  // Absent in files written before target sizes existed.
  targetSize: z.number().int().nullable().default(null),
  path: z.string(),
  generatedAt: z.string(),
  managers: z.array(z.string()),
  tokenHash: z.string(),
  managersHash: z.string(),
});
type PoolRecord = z.infer<typeof recordSchema>;
const fileSchema = z.object({
  schemaVersion: z.literal(1),
  clusters: z.record(z.string(), z.record(z.string(), recordSchema)),
});

/** The swarm facts a script depends on, read through any manager. */
export interface JoinFacts {
  tokens: { worker: string; manager: string };
  managers: string[];
  nodes: PoolNode[];
}

/** Reachable managers' `addr:2377`, the leader first: the likeliest to answer a join. */
export function managerAddresses(nodes: readonly SwarmNode[]): string[] {
  return nodes
    .filter((n) => n.ManagerStatus?.Addr && n.ManagerStatus.Reachability === 'reachable')
    .sort((a, b) => Number(b.ManagerStatus?.Leader === true) - Number(a.ManagerStatus?.Leader === true))
    .map((n) => n.ManagerStatus!.Addr!);
}

/**
 * Node pools' first-boot scripts: written to a file the operator chooses (mode 0600, the token
 * never leaves the core otherwise), and checked later against the swarm's current token and
 * managers. The record beside the data file holds hashes, not the token.
 */
export class NodePools {
  readonly path: string;
  private data: z.infer<typeof fileSchema> = { schemaVersion: 1, clusters: {} };
  private readonly writes = new SerialQueue();
  private readonly labeler: PoolLabeler | null;

  /** With `live`, nodes that join from a pool get the pool's labels (see PoolLabeler). */
  constructor(
    dataDir: string,
    private readonly clusters: Pick<ClusterService, 'linkOf'>,
    private readonly activity: ActivityLog,
    live?: { topology: Pick<TopologyService, 'watch' | 'unwatch'>; events: EventBus },
  ) {
    this.path = join(dataDir, POOLS_FILE_NAME);
    this.labeler = live ? new PoolLabeler(clusters, live.topology, live.events, activity, (id) => this.poolsOf(id)) : null;
  }

  /** Each recorded pool's node labels, by pool name. */
  poolsOf(clusterId: string): Record<string, Record<string, string>> {
    return Object.fromEntries(Object.entries(this.data.clusters[clusterId] ?? {}).map(([name, r]) => [name, r.labels]));
  }

  /** At start-up: label pool nodes of every cluster with pools again, in the background. */
  resume(): void {
    for (const clusterId of Object.keys(this.data.clusters)) this.labeler?.follow(clusterId);
  }

  close(): void {
    this.labeler?.close();
  }

  async load(): Promise<void> {
    this.data = (await readJsonFile(this.path, fileSchema)) ?? this.data;
  }

  async writeUserData(clusterId: string, pool: NodePoolInput, path: string): Promise<PoolScriptInfo> {
    const { profile } = await this.clusters.linkOf(clusterId);
    const facts = await this.joinFacts(clusterId);
    const token = pool.role === 'manager' ? facts.tokens.manager : facts.tokens.worker;
    const script = generateUserData({ pool: pool.name, role: pool.role, labels: pool.labels, managers: facts.managers, token });
    const action = `write user-data for pool ${pool.name} (${pool.role}) to ${path}`;
    try {
      // 0600: the script carries a join token.
      await writeFileAtomic(path, script, 0o600);
    } catch (err) {
      const detail = (err as NodeJS.ErrnoException).code ?? 'write error';
      await this.activity.record({ cluster: profile.name, host: null, action, result: 'failed', detail });
      throw new CoreError('POOL_WRITE_FAILED', `Could not write ${path}: ${detail}`, { params: { path, detail }, cause: err });
    }
    const record: PoolRecord = {
      role: pool.role,
      labels: pool.labels,
      targetSize: pool.targetSize,
      path,
      generatedAt: new Date().toISOString(),
      managers: facts.managers,
      ...stampOf({ token, managers: facts.managers }),
    };
    await this.save(clusterId, pool.name, record);
    this.labeler?.follow(clusterId);
    await this.activity.record({
      cluster: profile.name,
      host: null,
      action,
      result: 'ok',
      detail: `managers: ${facts.managers.join(', ')}`,
    });
    return info(pool.name, record, []);
  }

  async status(clusterId: string): Promise<PoolScriptInfo[]> {
    const pools = Object.entries(this.data.clusters[clusterId] ?? {});
    if (pools.length === 0) return [];
    const facts = await this.joinFacts(clusterId);
    return pools
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, record]) => {
        const token = record.role === 'manager' ? facts.tokens.manager : facts.tokens.worker;
        return { ...info(name, record, staleReasons(record, { token, managers: facts.managers })), nodes: poolNodes(name, facts.nodes) };
      });
  }

  private async joinFacts(clusterId: string): Promise<JoinFacts> {
    const { link } = await this.clusters.linkOf(clusterId);
    const [swarm, nodes] = await link.request(
      'read',
      async (d) => [await swarmApi.inspect(d), (await d.listNodes()) as unknown as PoolNode[]] as const,
    );
    const managers = managerAddresses(nodes);
    if (managers.length === 0) throw new CoreError('NO_MANAGER_REACHABLE', 'No reachable manager to write into the script');
    return { tokens: { worker: swarm.JoinTokens.Worker, manager: swarm.JoinTokens.Manager }, managers, nodes };
  }

  private save(clusterId: string, pool: string, record: PoolRecord): Promise<void> {
    return this.writes.run(async () => {
      const next = structuredClone(this.data);
      (next.clusters[clusterId] ??= {})[pool] = record;
      try {
        await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
      } catch (err) {
        throw new CoreError('STORE_WRITE_FAILED', 'Could not save the pool records', { params: { path: this.path }, cause: err });
      }
      this.data = next;
    });
  }
}

function info(pool: string, record: PoolRecord, stale: PoolScriptInfo['stale'], nodes: PoolScriptInfo['nodes'] = []): PoolScriptInfo {
  const { role, labels, targetSize, path, generatedAt, managers } = record;
  return { pool, role, labels, targetSize, path, generatedAt, managers, stale, nodes };
}

/** The pool's nodes as its engines report them (the marker the script writes), by hostname. */
function poolNodes(pool: string, nodes: readonly PoolNode[]): PoolScriptInfo['nodes'] {
  return nodes
    .filter((n) => n.Description?.Engine?.Labels?.[POOL_LABEL_KEY] === pool)
    .map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? n.ID,
      role: n.Spec.Role === 'manager' ? ('manager' as const) : ('worker' as const),
      state: n.Status?.State ?? 'unknown',
      availability: n.Spec.Availability ?? 'active',
    }))
    .sort((a, b) => a.hostname.localeCompare(b.hostname));
}
