import type { EntityDiff, TopologyTask } from '../../contract.js';
import { toTask, type ApiTask } from './convert.js';
import { Table, type Versioned } from './table.js';

// The tasks of the live model, read in two ways. A full read (at start, at
// each reconcile) lists every task Docker keeps, the history included. A poll
// lists only the tasks desired running (Docker keeps up to four past tasks
// per slot, which no longer change), then reads whole only the services whose
// set of desired-running tasks changed: a replaced task always has a new ID
// and a scale changes the set, so a task that failed, was rejected or shut
// down since the last read is found by its service's re-read. History a poll
// does not list stays as it was read; only a full read or its service's
// re-read removes it.

/** Docker's filter for a poll: what the swarm means to run now. */
export const LIVE_FILTER: Record<string, string[]> = { 'desired-state': ['running'] };

/**
 * States a task can still leave (Docker's TaskState, in order): a task in one
 * of them that a poll does not list (desired shutdown, still stopping; or
 * desired ready, waiting out its restart delay) has its service re-read until
 * it settles in complete, shutdown, failed, rejected, remove or orphaned.
 * (A task on a node that is down keeps its last state until Docker orphans
 * it: its service is read whole at each poll meanwhile.)
 */
const MOVING = new Set(['new', 'allocated', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

/** What a poll found changed: services to read whole, and tasks to read by ID (their service is gone from Docker's list). */
export interface Rereads {
  services: string[];
  taskIds: string[];
}

export class TaskModel {
  private readonly table = new Table<TopologyTask>();
  /** Per service, the IDs of its desired-running tasks at the last read. */
  private liveSets = new Map<string, Set<string>>();
  /** Tasks not desired running that have not settled (see MOVING), with their service. */
  private readonly unsettled = new Map<string, string>();
  private lastPoll: { live: readonly Versioned<ApiTask>[]; sets: Map<string, string[]> } | null = null;
  /** The services `rereads` found changed that Docker no longer lists. */
  private gone = new Set<string>();

  /** For the skimmer: a task read at this Version before is not parsed again. */
  readonly known = (id: string, version: string): boolean => this.table.stamp(id) === version;

  get size(): number {
    return this.table.rows.size;
  }

  values(): TopologyTask[] {
    return this.table.values();
  }

  /** Every task Docker lists: the model becomes that list. */
  replaceAll(entries: readonly Versioned<ApiTask>[]): EntityDiff<TopologyTask> | null {
    const diff = this.table.replaceVersioned(entries, toTask);
    this.liveSets.clear();
    this.unsettled.clear();
    for (const { value } of this.table.rows.values()) this.note(value);
    return diff;
  }

  /** Which services a poll's desired-running tasks say to read whole; `services` are the IDs Docker lists now. */
  rereads(live: readonly Versioned<ApiTask>[], services: ReadonlySet<string>): Rereads {
    const polled = this.polled(live);
    const dirty = new Set<string>();
    for (const [service, ids] of polled) {
      const before = this.liveSets.get(service);
      if (!before || before.size !== ids.length || ids.some((id) => !before.has(id))) dirty.add(service);
    }
    for (const service of this.liveSets.keys()) if (!polled.has(service)) dirty.add(service);
    for (const service of this.unsettled.values()) dirty.add(service);

    const out: Rereads = { services: [], taskIds: [] };
    this.gone = new Set([...dirty].filter((service) => !services.has(service)));
    out.services = [...dirty].filter((service) => services.has(service)).sort();
    // Docker refuses a service filter naming a service it no longer has (or not yet had when its list was read): those tasks are read by ID.
    if (this.gone.size > 0) {
      const ids = new Set<string>();
      for (const { value } of this.table.rows.values()) if (this.gone.has(value.serviceId)) ids.add(value.id);
      for (const service of this.gone) for (const id of polled.get(service) ?? []) ids.add(id);
      out.taskIds = [...ids].sort();
    }
    return out;
  }

  /** How many tasks the model holds for these services: a re-read of most of them is better done as a full read. */
  count(services: readonly string[]): number {
    const wanted = new Set(services);
    let n = 0;
    for (const { value } of this.table.rows.values()) if (wanted.has(value.serviceId)) n++;
    return n;
  }

  /** A poll: its desired-running tasks, and the tasks `rereads` asked for as Docker listed them. */
  applyPoll(live: readonly Versioned<ApiTask>[], asked: Rereads, reread: readonly Versioned<ApiTask>[]): EntityDiff<TopologyTask> | null {
    const polled = this.polled(live);
    const wholeServices = new Set(asked.services);
    const byId = new Set(asked.taskIds);
    // A service read whole was read after the poll: its list wins over the poll's.
    const upsert: TopologyTask[] = [];
    const seen = new Set<string>();
    for (const entry of reread) {
      seen.add(entry.id);
      this.table.putVersioned(entry, toTask, upsert);
    }
    for (const entry of live) if (entry.value && !wholeServices.has(this.serviceOf(entry))) this.table.putVersioned(entry, toTask, upsert);
    const remove =
      asked.services.length > 0 || asked.taskIds.length > 0
        ? this.table.removeUnless((id, t) => seen.has(id) || !(wholeServices.has(t.serviceId) || byId.has(id)))
        : [];

    // A service the poll found as it was is as it was; the others are as read again (or, gone from Docker's list, by ID and as polled).
    for (const service of [...wholeServices, ...this.gone]) this.liveSets.delete(service);
    for (const service of this.gone)
      for (const id of polled.get(service) ?? []) {
        const t = this.table.get(id);
        if (t) this.note(t);
      }
    for (const id of remove) this.unsettled.delete(id);
    for (const entry of reread) {
      this.unsettled.delete(entry.id);
      this.note(this.table.get(entry.id)!);
    }
    this.lastPoll = null;
    return this.table.diff(upsert, remove);
  }

  /** Adds a task as read to the running sets, or to the unsettled ones. */
  private note(t: TopologyTask): void {
    if (t.desiredState === 'running') {
      const set = this.liveSets.get(t.serviceId);
      if (set) set.add(t.id);
      else this.liveSets.set(t.serviceId, new Set([t.id]));
    } else if (MOVING.has(t.state)) this.unsettled.set(t.id, t.serviceId);
  }

  private serviceOf(entry: Versioned<ApiTask>): string {
    return entry.value ? (entry.value.ServiceID ?? '') : (this.table.get(entry.id)?.serviceId ?? '');
  }

  /** The poll's desired-running task IDs by service, worked out once per poll. */
  private polled(live: readonly Versioned<ApiTask>[]): Map<string, string[]> {
    if (this.lastPoll?.live === live) return this.lastPoll.sets;
    const sets = new Map<string, string[]>();
    for (const entry of live) {
      const service = this.serviceOf(entry);
      const list = sets.get(service);
      if (list) list.push(entry.id);
      else sets.set(service, [entry.id]);
    }
    this.lastPoll = { live, sets };
    return sets;
  }
}
