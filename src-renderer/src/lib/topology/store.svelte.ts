import type { ContractEvents, TopologyDiff } from '../../../../src-main/contract.js';
import { api, onConnectionChange, onEvent } from '../api.js';
import { describeError } from '../describe-error.js';
import { TopologyFeed } from './feed.js';
import type { TopologyView } from './indexes.js';

export type TopologyStatus = 'loading' | 'live' | 'stale' | 'failed';

// About one frame: a burst of diffs is applied together, and a lone one is not held back (the map's target is 100 ms from event to screen).
const BATCH_MS = 16;

/**
 * The live topology of one cluster for the screen that shows it: `topology.watch` for the
 * snapshot, then `topology:diff` batches; a gap in the versions (or a reconnect) asks for a
 * snapshot again while the last view stays shown. `destroy` lets go of the core's model.
 */
export class TopologyStore {
  view = $state.raw<TopologyView | null>(null);
  status = $state<TopologyStatus>('loading');
  /** Words for why the model could not be read, or why it is stale. */
  error = $state<string | undefined>();
  /** A snapshot is being read again; the map shows the last one meanwhile. */
  rereading = $state(false);

  private readonly feed: TopologyFeed;
  private stops: (() => void)[] = [];
  private queue: TopologyDiff[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Successful `watch` calls not yet matched by `unwatch` (the core counts watchers). */
  private held = 0;
  private loading = false;
  private again = false;
  private destroyed = false;

  constructor(readonly clusterId: string) {
    this.feed = new TopologyFeed(clusterId);
  }

  start(): void {
    let wasOpen = true;
    this.stops.push(
      onEvent('topology:diff', (diff) => this.receive(diff)),
      onEvent('topology:status', (status) => this.statusChanged(status)),
      onConnectionChange((state) => {
        // Events may have been missed while the connection was down.
        if (state === 'open' && !wasOpen) void this.reread();
        wasOpen = state === 'open';
      }),
    );
    void this.reread();
  }

  /** Reads a fresh snapshot (after a gap, a reconnect, or an operation whose outcome is unknown). */
  async reread(): Promise<void> {
    if (this.destroyed) return;
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    this.rereading = this.view !== null;
    this.feed.waitForSnapshot();
    try {
      const snapshot = await api.topology.watch({ clusterId: this.clusterId });
      this.held++;
      if (this.destroyed) return this.release();
      // One watcher is enough: a resync's watch is given back at once.
      if (this.held > 1) {
        this.held--;
        void api.topology.unwatch({ clusterId: this.clusterId }).catch(() => undefined);
      }
      if (this.feed.snapshot(snapshot) === 'resync') this.again = true;
      this.view = this.feed.view;
      this.status = 'live';
      this.error = undefined;
    } catch (err) {
      if (this.destroyed) return;
      this.error = describeError(err);
      this.status = this.view ? 'stale' : 'failed';
    } finally {
      this.loading = false;
      this.rereading = false;
      if (this.again && !this.destroyed) {
        this.again = false;
        void this.reread();
      }
    }
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.timer);
    for (const stop of this.stops) stop();
    this.stops = [];
    this.release();
  }

  private release(): void {
    for (; this.held > 0; this.held--) void api.topology.unwatch({ clusterId: this.clusterId }).catch(() => undefined);
  }

  private receive(diff: TopologyDiff): void {
    if (diff.clusterId !== this.clusterId || this.destroyed) return;
    this.queue.push(diff);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    const result = this.feed.diffs(batch);
    if (result === 'resync') void this.reread();
    else if (result === 'ok') this.view = this.feed.view;
  }

  private statusChanged({ clusterId, state, error }: ContractEvents['topology:status']): void {
    if (clusterId !== this.clusterId) return;
    this.status = state === 'stale' ? 'stale' : this.view ? 'live' : this.status;
    this.error = state === 'stale' && error ? describeError(error) : undefined;
  }
}
