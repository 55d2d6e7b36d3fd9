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
import { toNetwork, toNode, toService, taskCounts, type ApiNetwork, type ApiNode, type ApiService, type ApiTask } from './convert.js';
import { readList } from './docker-list.js';
import type { SkimmedEntry } from './skim.js';
import { computeHealth } from './health.js';
import { Table } from './table.js';
import { LIVE_FILTER, TaskModel, type Rereads } from './task-model.js';

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
/** Task IDs a poll reads by ID in one request (28 bytes of URL each); more, and it reads every task. */
const MAX_IDS = 2000;

export interface LiveTopologyOptions {
  /** Nodes, services and the tasks desired running are read this often at least (Docker sends no task events). */
  minPollMs?: number;
  /** A slower full read: networks, swarm settings and every task Docker keeps (a poll reads a service's history only when its running tasks change). */
  reconcileMs?: number;
  tokensRotatedAt?: () => string | null;
  /** Warnings the swarm cannot give itself (backups, the registry), added to its health. */
  extraWarnings?: (now: number) => HealthWarning[];
  /** The clock of health warnings and of the reconcile. */
  now?: () => number;
}

type Entity = 'nodes' | 'services' | 'tasks' | 'networks';

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
    networks: new Table<TopologyNetwork>(),
  };
  private readonly tasks = new TaskModel();
  /** Docker's services as last read (the fields the model uses), by ID, with their Version. */
  private serviceApi = new Map<string, { version: string; api: ApiService; record?: TopologyService }>();
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
  private readonly clock: () => number;

  constructor(
    readonly clusterId: string,
    private readonly source: TopologySource,
    private readonly emitDiff: (diff: TopologyDiff) => void,
    private readonly emitStatus: (state: 'live' | 'stale', error?: ContractError) => void,
    private readonly options: LiveTopologyOptions = {},
  ) {
    this.minPollMs = options.minPollMs ?? 500;
    this.reconcileMs = options.reconcileMs ?? 30_000;
    this.clock = options.now ?? Date.now;
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
      tasks: this.tasks.values(),
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
      const full = this.clock() - this.lastReconcile >= this.reconcileMs || this.stale;
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

  /**
   * The tasks a poll asked to read again, in one or two filtered lists; or
   * every task, when those are most of them or when Docker no longer knows
   * one of the services (removed since its list was read: it refuses the filter).
   */
  private async reread(
    asked: Rereads,
    tasks: (filters?: Record<string, string[]>) => Promise<SkimmedEntry<ApiTask>[]>,
  ): Promise<{ all: boolean; entries: SkimmedEntry<ApiTask>[] }> {
    if (asked.services.length === 0 && asked.taskIds.length === 0) return { all: false, entries: [] };
    if (this.tasks.count(asked.services) > this.tasks.size / 2 || asked.taskIds.length > MAX_IDS)
      return { all: true, entries: await tasks() };
    try {
      const lists = await Promise.all([
        asked.services.length > 0 ? tasks({ service: asked.services }) : [],
        asked.taskIds.length > 0 ? tasks({ id: asked.taskIds }) : [],
      ]);
      return { all: false, entries: lists.flat() };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
      return { all: true, entries: await tasks() };
    }
  }

  private async read(full: boolean): Promise<void> {
    const r = <T>(call: (docker: Docker) => Promise<T>): Promise<T> => this.source.request('read', call);
    const tasks = (filters?: Record<string, string[]>): Promise<SkimmedEntry<ApiTask>[]> =>
      r((d) => readList<ApiTask>(d, '/tasks', { keep: TASK_FIELDS, repeated: ['Spec'], known: this.tasks.known }, filters));
    const [nodes, services, listed, networks, swarm] = await Promise.all([
      r((d) => d.listNodes() as Promise<ApiNode[]>),
      r((d) => readList<ApiService>(d, '/services', { keep: SERVICE_FIELDS, known: (id, v) => this.serviceApi.get(id)?.version === v })),
      // A poll lists the tasks desired running; a full read, every task Docker keeps.
      tasks(full ? undefined : LIVE_FILTER),
      full ? r((d) => d.listNetworks({ filters: { scope: ['swarm'] } }) as Promise<ApiNetwork[]>) : Promise.resolve(null),
      full
        ? r(
            (d) =>
              d.swarmInspect() as Promise<{ ID: string; CreatedAt?: string; Spec?: { EncryptionConfig?: { AutoLockManagers?: boolean } } }>,
          )
        : Promise.resolve(null),
    ]);
    if (this.stopped) return;
    let taskDiff: EntityDiff<TopologyTask> | null;
    if (full) taskDiff = this.tasks.replaceAll(listed);
    else {
      const asked = this.tasks.rereads(listed, new Set(services.map((s) => s.id)));
      const again = await this.reread(asked, tasks);
      if (this.stopped) return;
      taskDiff = again.all ? this.tasks.replaceAll(again.entries) : this.tasks.applyPoll(listed, asked, again.entries);
    }
    if (full) this.lastReconcile = this.clock();
    if (swarm)
      this.swarm = { id: swarm.ID, autolock: swarm.Spec?.EncryptionConfig?.AutoLockManagers === true, createdAt: swarm.CreatedAt ?? null };

    const taskRecords = this.tasks.values();
    const counts = taskCounts(taskRecords);
    // A service's record also depends on its tasks: an unchanged Version saves the parsing, and with unchanged counts the conversion.
    this.serviceApi = new Map(services.map((s) => [s.id, s.value ? { version: s.version, api: s.value } : this.serviceApi.get(s.id)!]));
    const serviceRecords = [...this.serviceApi.values()].map((entry) => {
      const { running, desiredGlobal } = counts.get(entry.api.ID) ?? { running: 0, desiredGlobal: 0 };
      // The same record then, which the table need not compare again.
      if (entry.record?.running !== running || (entry.record.mode === 'global' && entry.record.desired !== desiredGlobal))
        entry.record = toService(entry.api, { running, desiredGlobal });
      return entry.record;
    });
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
      now: this.clock(),
    });
    health.warnings.push(...(this.options.extraWarnings?.(this.clock()) ?? []));
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
