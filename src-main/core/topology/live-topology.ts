import type Docker from 'dockerode';
import type {
  ContractError,
  EntityDiff,
  HealthWarning,
  SwarmHealth,
  TopologyDiff,
  TopologyNetwork,
  TopologyNode,
  TopologyService,
  TopologySnapshot,
  TopologyTask,
} from '../../contract.js';
import type { RequestKind } from '../docker/docker-session.js';
import { toContractError } from '../errors.js';
import {
  toNetwork,
  toNode,
  toService,
  toTask,
  taskCounts,
  type ApiNetwork,
  type ApiNode,
  type ApiService,
  type ApiTask,
} from './convert.js';
import { readList } from './docker-list.js';
import { computeHealth } from './health.js';

/** What the model reads through: a cluster link (any manager that answers). */
export interface TopologySource {
  request<T>(kind: RequestKind, call: (docker: Docker) => Promise<T>): Promise<T>;
  /** Docker's events of the swarm, if the source can follow them; returns a function that stops. */
  followEvents?(onEvent: () => void, filters: Record<string, string[]>): () => void;
}

// Docker 20.10 sends events for these swarm objects (not for tasks): each one has the model read
// at once instead of at the next poll, so a scale or a drain shows without waiting for it.
const SWARM_EVENT_TYPES = ['service', 'node', 'network', 'secret', 'config'];
const EVENT_COALESCE_MS = 50;

// What the model reads of each task and service (convert.ts); the rest (specs, network attachments) is never parsed.
const TASK_FIELDS = ['ServiceID', 'NodeID', 'Slot', 'UpdatedAt', 'DesiredState', 'Status'];
const SERVICE_FIELDS = ['Spec', 'Endpoint', 'UpdateStatus'];

export interface LiveTopologyOptions {
  /** Nodes, services and tasks are read this often at least (Docker sends no task events). */
  minPollMs?: number;
  /** Networks and swarm settings: a slower full read. */
  reconcileMs?: number;
  tokensRotatedAt?: () => string | null;
  /** Warnings the swarm cannot give itself (backups, the registry), added to its health. */
  extraWarnings?: (now: number) => HealthWarning[];
  now?: () => number;
}

type Entity = 'nodes' | 'services' | 'tasks' | 'networks';

/**
 * One entity kind, by ID. Each row keeps a stamp to tell a change from a
 * re-read: the record's JSON, or for tasks Docker's Version of the task
 * (bumped on every change), so 20,000 unchanged tasks cost a lookup each.
 */
class Table<T extends { id: string }> {
  readonly rows = new Map<string, { value: T; stamp: string }>();

  /** Replaces the contents; returns what changed, or null when nothing did. */
  replace(values: readonly T[]): EntityDiff<T> | null {
    const upsert: T[] = [];
    const seen = new Set<string>();
    for (const value of values) {
      seen.add(value.id);
      const json = JSON.stringify(value);
      if (this.rows.get(value.id)?.stamp !== json) {
        this.rows.set(value.id, { value, stamp: json });
        upsert.push(value);
      }
    }
    return this.removeUnseen(seen, upsert);
  }

  /**
   * The same by Docker's Versions: a null value is the row as it stands. A
   * changed Version upserts only if the record differs, as `replace` would.
   */
  replaceVersioned<A>(entries: readonly { id: string; version: string; value: A | null }[], convert: (api: A) => T): EntityDiff<T> | null {
    const upsert: T[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      seen.add(entry.id);
      const old = this.rows.get(entry.id);
      if (entry.value === null || (old && old.stamp === entry.version && entry.version !== '')) continue;
      const value = convert(entry.value);
      this.rows.set(entry.id, { value, stamp: entry.version });
      if (!old || JSON.stringify(old.value) !== JSON.stringify(value)) upsert.push(value);
    }
    return this.removeUnseen(seen, upsert);
  }

  stamp(id: string): string | undefined {
    return this.rows.get(id)?.stamp;
  }

  values(): T[] {
    return [...this.rows.values()].map((r) => r.value);
  }

  private removeUnseen(seen: ReadonlySet<string>, upsert: T[]): EntityDiff<T> | null {
    const remove = [...this.rows.keys()].filter((id) => !seen.has(id));
    for (const id of remove) this.rows.delete(id);
    return upsert.length > 0 || remove.length > 0 ? { upsert, remove } : null;
  }
}

/**
 * The live model of one swarm: a full read, then reads as often as the swarm
 * allows (at least every `minPollMs`, slower when reads take long) with only
 * the differences pushed out, numbered so the renderer can tell a gap. A read
 * that fails marks the model stale; the next one that works brings it back.
 */
export class LiveTopology {
  private readonly tables = {
    nodes: new Table<TopologyNode>(),
    services: new Table<TopologyService>(),
    tasks: new Table<TopologyTask>(),
    networks: new Table<TopologyNetwork>(),
  };
  /** Docker's services as last read (the fields the model uses), by ID, with their Version. */
  private serviceApi = new Map<string, { version: string; api: ApiService }>();
  private health: SwarmHealth | null = null;
  private healthJson = '';
  private version = 0;
  private swarm: { id: string; autolock: boolean; createdAt: string | null } = { id: '', autolock: false, createdAt: null };
  private timer: NodeJS.Timeout | undefined;
  private eventTimer: NodeJS.Timeout | undefined;
  private stopEvents: (() => void) | undefined;
  private reading = false;
  private readAgain = false;
  private stopped = false;
  private stale = false;
  private lastReconcile = 0;
  private readonly minPollMs: number;
  private readonly reconcileMs: number;

  constructor(
    readonly clusterId: string,
    private readonly source: TopologySource,
    private readonly emitDiff: (diff: TopologyDiff) => void,
    private readonly emitStatus: (state: 'live' | 'stale', error?: ContractError) => void,
    private readonly options: LiveTopologyOptions = {},
  ) {
    this.minPollMs = options.minPollMs ?? 500;
    this.reconcileMs = options.reconcileMs ?? 30_000;
  }

  /** The first full read; after it the model follows on its own until `stop`. */
  async start(): Promise<TopologySnapshot> {
    await this.read(true);
    this.schedule(this.minPollMs);
    // A burst of events (a rolling update) is one read, not one per event.
    this.stopEvents = this.source.followEvents?.(
      () => {
        if (this.eventTimer) return;
        this.eventTimer = setTimeout(() => {
          this.eventTimer = undefined;
          this.refreshNow();
        }, EVENT_COALESCE_MS);
      },
      { type: SWARM_EVENT_TYPES },
    );
    return this.snapshot();
  }

  snapshot(): TopologySnapshot {
    return {
      clusterId: this.clusterId,
      swarmId: this.swarm.id,
      version: this.version,
      nodes: this.tables.nodes.values(),
      services: this.tables.services.values(),
      tasks: this.tables.tasks.values(),
      networks: this.tables.networks.values(),
      health: this.health!,
    };
  }

  /** After an operation: read now rather than at the next tick. */
  refreshNow(): void {
    if (this.stopped) return;
    // Reads never overlap (an older answer must not land after a newer one): one is due after the current.
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.eventTimer);
    this.stopEvents?.();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      const full = started - this.lastReconcile >= this.reconcileMs || this.stale;
      this.reading = true;
      this.readAgain = false;
      this.read(full)
        .finally(() => (this.reading = false))
        .then(() => {
          if (this.stale) {
            this.stale = false;
            this.emitStatus('live');
          }
          // A big swarm takes longer to read: never spend more than half the time reading.
          this.schedule(this.readAgain ? 0 : Math.max(this.minPollMs, 2 * (Date.now() - started)));
        })
        .catch((err: unknown) => {
          if (!this.stale) {
            this.stale = true;
            this.emitStatus('stale', toContractError(err));
          }
          this.schedule(Math.max(2000, this.minPollMs));
        });
    }, delayMs);
  }

  private async read(full: boolean): Promise<void> {
    const r = <T>(call: (docker: Docker) => Promise<T>): Promise<T> => this.source.request('read', call);
    const [nodes, services, tasks, networks, swarm] = await Promise.all([
      r((d) => d.listNodes() as Promise<ApiNode[]>),
      r((d) => readList<ApiService>(d, '/services', { keep: SERVICE_FIELDS, known: (id, v) => this.serviceApi.get(id)?.version === v })),
      r((d) =>
        readList<ApiTask>(d, '/tasks', { keep: TASK_FIELDS, repeated: ['Spec'], known: (id, v) => this.tables.tasks.stamp(id) === v }),
      ),
      full ? r((d) => d.listNetworks({ filters: { scope: ['swarm'] } }) as Promise<ApiNetwork[]>) : Promise.resolve(null),
      full
        ? r(
            (d) =>
              d.swarmInspect() as Promise<{ ID: string; CreatedAt?: string; Spec?: { EncryptionConfig?: { AutoLockManagers?: boolean } } }>,
          )
        : Promise.resolve(null),
    ]);
    if (this.stopped) return;
    if (full) this.lastReconcile = Date.now();
    if (swarm)
      this.swarm = { id: swarm.ID, autolock: swarm.Spec?.EncryptionConfig?.AutoLockManagers === true, createdAt: swarm.CreatedAt ?? null };

    const taskDiff = this.tables.tasks.replaceVersioned(tasks, toTask);
    const taskRecords = this.tables.tasks.values();
    const counts = taskCounts(taskRecords);
    // A service's record also depends on its tasks: an unchanged Version saves the parsing, not the conversion.
    this.serviceApi = new Map(services.map((s) => [s.id, s.value ? { version: s.version, api: s.value } : this.serviceApi.get(s.id)!]));
    const serviceRecords = [...this.serviceApi.values()].map(({ api }) =>
      toService(api, counts.get(api.ID) ?? { running: 0, desiredGlobal: 0 }),
    );
    const changes: Partial<Record<Entity, EntityDiff<{ id: string }>>> = {};
    const diffs: [Entity, EntityDiff<{ id: string }> | null][] = [
      ['nodes', this.tables.nodes.replace(nodes.map(toNode))],
      ['services', this.tables.services.replace(serviceRecords)],
      ['tasks', taskDiff],
      ['networks', networks ? this.tables.networks.replace(networks.map(toNetwork)) : null],
    ];
    for (const [name, diff] of diffs) if (diff) changes[name] = diff;

    const health = computeHealth({
      nodes: this.tables.nodes.values(),
      tasks: taskRecords,
      autolock: this.swarm.autolock,
      swarmCreatedAt: this.swarm.createdAt,
      tokensRotatedAt: this.options.tokensRotatedAt?.() ?? null,
      now: (this.options.now ?? Date.now)(),
    });
    health.warnings.push(...(this.options.extraWarnings?.((this.options.now ?? Date.now)()) ?? []));
    const healthJson = JSON.stringify(health);
    const healthChanged = healthJson !== this.healthJson;
    this.health = health;
    this.healthJson = healthJson;

    if (Object.keys(changes).length === 0 && !healthChanged) return;
    this.version++;
    if (this.version === 1) return; // the first read is the snapshot itself
    this.emitDiff({ clusterId: this.clusterId, version: this.version, ...changes, ...(healthChanged ? { health } : {}) } as TopologyDiff);
  }
}
