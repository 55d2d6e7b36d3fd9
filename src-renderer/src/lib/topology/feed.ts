import type { TopologyDiff, TopologySnapshot } from '../../../../src-main/contract.js';
import { buildView, updateIndex, type TopologyView } from './indexes.js';
import { applyDiffs, fromSnapshot } from './model.js';

/**
 * The order of things from the core, without the transport: diffs that come before the
 * snapshot is back are kept and applied on top of it (those the snapshot already holds are
 * skipped); after that, each batch of diffs moves the view on, or asks for a resync.
 */
export class TopologyFeed {
  view: TopologyView | null = null;
  private early: TopologyDiff[] = [];
  /** True until a snapshot comes, and again while a resync is under way (the old view stays shown). */
  private awaiting = true;

  constructor(readonly clusterId: string) {}

  /** A new snapshot replaces the view (a resync); the early diffs go on top. */
  snapshot(snapshot: TopologySnapshot): 'ok' | 'resync' {
    const early = this.early.filter((d) => d.version > snapshot.version);
    this.early = [];
    this.awaiting = false;
    this.view = buildView(fromSnapshot(snapshot));
    return early.length > 0 && this.diffs(early) === 'resync' ? 'resync' : 'ok';
  }

  /** Diffs as they arrived (for any cluster: others are ignored). */
  diffs(diffs: readonly TopologyDiff[]): 'ok' | 'waiting' | 'resync' {
    const own = diffs.filter((d) => d.clusterId === this.clusterId).sort((a, b) => a.version - b.version);
    if (own.length === 0) return 'ok';
    if (this.awaiting || !this.view) {
      this.early.push(...own);
      return 'waiting';
    }
    const next = advanceView(this.view, own);
    if (next === 'resync') return 'resync';
    this.view = next;
    return 'ok';
  }

  /** Before asking for a snapshot again: diffs from now on wait for it. */
  waitForSnapshot(): void {
    this.awaiting = true;
    this.early = [];
  }
}

/** A view from a snapshot, for callers without a feed (the benchmark harness). */
export function viewFromSnapshot(snapshot: TopologySnapshot): TopologyView {
  return buildView(fromSnapshot(snapshot));
}

/** The view after diffs, the index updated incrementally; `'resync'` on a version gap. */
export function advanceView(view: TopologyView, diffs: readonly TopologyDiff[]): TopologyView | 'resync' {
  const next = applyDiffs(view.model, diffs);
  if (next === 'resync') return 'resync';
  return next === view.model ? view : { model: next, index: updateIndex(view.index, view.model, next, diffs) };
}
