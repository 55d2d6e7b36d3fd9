import type { EdgeConfig, EdgeState, EdgeTarget, EdgeWrite, TopologyDiff, TopologyNode, TopologySnapshot } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import { CoreError, toContractError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { ClusterProfiles } from '../store/cluster-profiles.js';
import { readOutput, reloadProxy, writeOutput, type RemoteShell } from './edge-output.js';
import type { EdgeStore } from './edge-store.js';
import { renderTargets, selectTargets } from './edge-targets.js';

/** What the service needs of the live model: TopologyService fits. */
export interface TopologyWatcher {
  watch(clusterId: string): Promise<TopologySnapshot>;
  unwatch(clusterId: string): Promise<void>;
}

export interface EdgeDeps {
  store: EdgeStore;
  topology: TopologyWatcher;
  events: EventBus;
  activity: ActivityLog;
  profiles: ClusterProfiles;
  /** A proxy host's shell by its alias in Hosts (PlanHosts.get). */
  shell: (alias: string) => RemoteShell;
  /** How long to wait before trying again after a failed watch or write. */
  retryMs?: number;
}

/**
 * Keeps each configured cluster's target list written where its proxy reads it. It holds one
 * watch on the live model (so the model runs while the app does, window or not) and renders on
 * every node diff; the output is touched only when the text differs from what it holds.
 */
export class EdgeTargets {
  private readonly followers = new Map<string, Follower>();
  private readonly lastWrites = new Map<string, EdgeWrite>();

  constructor(private readonly deps: EdgeDeps) {}

  /** At start-up: follows every enabled config again, in the background. */
  resume(): void {
    for (const [clusterId, entry] of this.deps.store.enabled()) this.follow(clusterId, entry.config);
  }

  get(clusterId: string): EdgeState {
    const entry = this.deps.store.get(clusterId);
    return {
      clusterId,
      config: entry?.config ?? null,
      enabled: entry?.enabled ?? false,
      lastWrite: this.lastWrites.get(clusterId) ?? null,
    };
  }

  async configure(clusterId: string, config: EdgeConfig): Promise<EdgeState> {
    if (!this.deps.profiles.list().some((p) => p.id === clusterId))
      throw new CoreError('NOT_FOUND', `No cluster with id ${clusterId}`, { params: { id: clusterId } });
    await this.deps.store.set(clusterId, { config, enabled: true });
    this.follow(clusterId, config);
    return this.get(clusterId);
  }

  async disable(clusterId: string): Promise<EdgeState> {
    const entry = this.deps.store.get(clusterId);
    if (entry?.enabled) await this.deps.store.set(clusterId, { ...entry, enabled: false });
    await this.followers.get(clusterId)?.stop();
    this.followers.delete(clusterId);
    return this.get(clusterId);
  }

  /** While followed: when the output last held the current list, written or found already holding it; null: not yet. */
  current(clusterId: string): { at: string; targets: number } | null {
    return this.followers.get(clusterId)?.current ?? null;
  }

  /** What a config gives now: the one given (an unsaved form), else the saved one. Writes nothing. */
  async preview(clusterId: string, unsaved?: EdgeConfig): Promise<{ text: string; targets: EdgeTarget[] }> {
    const config = unsaved ?? this.deps.store.get(clusterId)?.config;
    if (!config) throw new CoreError('NOT_FOUND', `No edge config for cluster ${clusterId}`, { params: { id: clusterId } });
    const follower = this.followers.get(clusterId);
    let nodes = follower?.currentNodes();
    if (!nodes) {
      // Not followed now: one read of the model, released at once.
      const snapshot = await this.deps.topology.watch(clusterId);
      void this.deps.topology.unwatch(clusterId);
      nodes = snapshot.nodes;
    }
    const targets = selectTargets(nodes, config);
    return { text: renderTargets(targets, config.format, config.name), targets };
  }

  /** Stops following every cluster (tests, shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.followers.values()].map((f) => f.stop()));
    this.followers.clear();
  }

  private follow(clusterId: string, config: EdgeConfig): void {
    const previous = this.followers.get(clusterId);
    const follower = new Follower(clusterId, config, this.deps, (write) => {
      this.lastWrites.set(clusterId, write);
      this.deps.events.emit('edge:written', { clusterId, ...write });
    });
    this.followers.set(clusterId, follower);
    // The new one starts once the old one let go, so two never write the same file.
    void (previous ? previous.stop() : Promise.resolve()).then(() => follower.start());
  }
}

/** One cluster's live node list and the output kept in step with it. */
class Follower {
  private readonly nodes = new Map<string, TopologyNode>();
  /** The model's version last applied; null until a snapshot arrived. */
  private version: number | null = null;
  private watching = false;
  private stopped = false;
  /** What the output holds, as far as we know; null: not read yet. */
  private written: string | null = null;
  /** The output changed and the proxy's reload has not succeeded since. */
  private reloadOwed = false;
  /** When the output was last known to hold the list of the nodes then (written, or found holding it); null: not yet. */
  current: { at: string; targets: number } | null = null;
  private flushing = false;
  /** The write in progress, which `stop` waits for: once stopped, nothing lands in the output any more. */
  private flushed: Promise<void> = Promise.resolve();
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private unsubscribe: (() => void) | null = null;
  private opening: Promise<void> | null = null;

  constructor(
    private readonly clusterId: string,
    private readonly config: EdgeConfig,
    private readonly deps: EdgeDeps,
    private readonly report: (write: EdgeWrite) => void,
  ) {}

  currentNodes(): TopologyNode[] | undefined {
    return this.version === null ? undefined : [...this.nodes.values()];
  }

  start(): void {
    if (this.stopped) return;
    this.unsubscribe = this.deps.events.subscribe((event, payload) => {
      if (event === 'topology:diff') this.onDiff(payload as TopologyDiff);
    });
    this.opening = this.openWatch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    // A watch still being opened lets go itself (it sees `stopped`); wait so the caller knows it has.
    await this.opening;
    await this.flushed.catch(() => undefined);
    if (this.watching) {
      this.watching = false;
      await this.deps.topology.unwatch(this.clusterId).catch(() => undefined);
    }
  }

  private async openWatch(): Promise<void> {
    try {
      const snapshot = await this.deps.topology.watch(this.clusterId);
      if (this.stopped) return await this.deps.topology.unwatch(this.clusterId).catch(() => undefined);
      this.watching = true;
      this.failures = 0;
      this.take(snapshot);
    } catch (err) {
      if (this.stopped) return;
      this.report({ at: new Date().toISOString(), targets: 0, error: toContractError(err) });
      // A cluster that is gone will not come back by waiting.
      if (err instanceof CoreError && err.code === 'NOT_FOUND') return;
      this.retry(() => (this.opening = this.openWatch()));
    }
  }

  private onDiff(diff: TopologyDiff): void {
    if (diff.clusterId !== this.clusterId || this.version === null || this.stopped) return;
    if (diff.version <= this.version) return;
    if (diff.version !== this.version + 1) return void this.resync();
    this.version = diff.version;
    if (!diff.nodes) return;
    for (const id of diff.nodes.remove) this.nodes.delete(id);
    for (const node of diff.nodes.upsert) this.nodes.set(node.id, node);
    this.schedule();
  }

  /** A diff was missed (our listener came late): read the whole model again. */
  private resync(): void {
    this.version = null;
    void this.deps.topology
      .watch(this.clusterId)
      .then((snapshot) => {
        void this.deps.topology.unwatch(this.clusterId);
        this.take(snapshot);
      })
      .catch(() => this.retry(() => this.resync()));
  }

  private take(snapshot: TopologySnapshot): void {
    if (this.stopped) return;
    this.nodes.clear();
    for (const node of snapshot.nodes) this.nodes.set(node.id, node);
    this.version = snapshot.version;
    this.schedule();
  }

  /** Writes the current text; a write already running picks up what changed meanwhile. */
  private schedule(): void {
    this.dirty = true;
    // A write in progress loops while dirty; a pending retry keeps its backoff and flushes then.
    if (this.flushing || this.timer) return;
    this.flushing = true;
    this.flushed = this.flush().finally(() => {
      this.flushing = false;
      // A diff that came between the loop's last check and here.
      if (this.dirty && !this.timer && !this.stopped) this.schedule();
    });
  }

  private async flush(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const targets = selectTargets([...this.nodes.values()], this.config);
      const text = renderTargets(targets, this.config.format, this.config.name);
      // After a start the output may already hold this text: no write, and above all no reload.
      if (this.written === null) this.written = await readOutput(this.config.output, this.shell);
      if (text !== this.written || this.reloadOwed) {
        if (!(await this.write(text, targets))) {
          this.dirty = true;
          return this.retry(() => this.schedule());
        }
      }
      this.current = { at: new Date().toISOString(), targets: targets.length };
    }
  }

  private readonly shell = (): RemoteShell => {
    const output = this.config.output;
    if (output.kind !== 'ssh') throw new Error('a local output has no shell');
    return this.deps.shell(output.host);
  };

  /** Writes (when the text differs) and reloads; records each step; false when one failed. */
  private async write(text: string, targets: EdgeTarget[]): Promise<boolean> {
    const output = this.config.output;
    const cluster = this.deps.profiles.list().find((p) => p.id === this.clusterId)?.name ?? this.clusterId;
    const host = output.kind === 'ssh' ? output.host : null;
    const failed = async (action: string, err: unknown): Promise<false> => {
      const error = toContractError(err);
      await this.deps.activity.record({ cluster, host, action, result: 'failed', detail: error.message });
      this.report({ at: new Date().toISOString(), targets: targets.length, error });
      return false;
    };
    if (text !== this.written) {
      const action = `write edge targets (${this.config.format}) to ${output.path}`;
      try {
        await writeOutput(output, text, this.shell);
      } catch (err) {
        // A link that dropped mid-write: the file may hold either text; read it again next time.
        this.written = null;
        return failed(action, err);
      }
      this.written = text;
      this.reloadOwed = output.kind === 'ssh' && output.reload !== null;
      const names = targets.map((t) => t.hostname).join(', ') || 'none';
      await this.deps.activity.record({ cluster, host, action, result: 'ok', detail: `${targets.length} targets: ${names}` });
    }
    if (output.kind === 'ssh' && output.reload && this.reloadOwed) {
      const action = `reload proxy: ${output.reload.join(' ')}`;
      try {
        await reloadProxy(output, this.shell);
      } catch (err) {
        // The file is right but the proxy has not read it: the reload stays owed and is tried again.
        return failed(action, err);
      }
      this.reloadOwed = false;
      await this.deps.activity.record({ cluster, host, action, result: 'ok', detail: '' });
    }
    this.failures = 0;
    this.report({ at: new Date().toISOString(), targets: targets.length });
    return true;
  }

  private retry(again: () => void): void {
    if (this.stopped) return;
    const base = this.deps.retryMs ?? 5_000;
    const delay = Math.min(base * 2 ** this.failures, 60_000);
    this.failures++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      again();
    }, delay);
    this.timer.unref?.();
  }
}
