import { describe, expect, it } from 'vitest';
import type { TopologyDiff, TopologyTask } from '../../../../src-main/contract.js';
import { TopologyFeed } from './feed.js';
import { buildIndex, updateIndex } from './indexes.js';
import { applyDiff, applyDiffs, fromSnapshot, type TopologyModel } from './model.js';
import { syntheticDiff, syntheticSnapshot } from './synthetic.js';

const snapshot = syntheticSnapshot({ nodes: 6, services: 4, tasks: 20, seed: 7, clusterId: 'c1' });
const model = fromSnapshot(snapshot);
const firstTask = snapshot.tasks[0]!;

function diff(version: number, rest: Partial<TopologyDiff> = {}): TopologyDiff {
  return { clusterId: 'c1', version, ...rest };
}

describe('applyDiff', () => {
  it('puts upserted objects in whole and leaves the untouched entity maps shared', () => {
    const changed: TopologyTask = { ...firstTask, state: 'failed', error: 'exit 1' };
    const added: TopologyTask = { ...firstTask, id: 'new-task', slot: 99 };
    const next = applyDiff(model, diff(2, { tasks: { upsert: [changed, added], remove: [] } })) as TopologyModel;
    expect(next.version).toBe(2);
    expect(next.tasks.get(firstTask.id)).toBe(changed);
    expect(next.tasks.get('new-task')).toBe(added);
    expect(next.tasks.size).toBe(model.tasks.size + 1);
    expect(next.nodes).toBe(model.nodes);
    expect(next.services).toBe(model.services);
    // The model it came from is not changed.
    expect(model.tasks.get(firstTask.id)?.state).toBe(firstTask.state);
    expect(model.version).toBe(1);
  });

  it('removes by ID, and takes a new health when the diff has one', () => {
    const node = snapshot.nodes[5]!;
    const health = { ...snapshot.health, reachable: 2, toleratesNow: 0, warnings: [] };
    const next = applyDiff(model, diff(2, { nodes: { upsert: [], remove: [node.id] }, health })) as TopologyModel;
    expect(next.nodes.has(node.id)).toBe(false);
    expect(next.nodes.size).toBe(5);
    expect(next.health).toBe(health);
  });

  it('asks for a resync when a version is missing', () => {
    expect(applyDiff(model, diff(3, { tasks: { upsert: [], remove: [firstTask.id] } }))).toBe('resync');
    expect(applyDiffs(model, [diff(2), diff(4)])).toBe('resync');
  });

  it('skips diffs the model already holds and diffs of other clusters', () => {
    expect(applyDiff(model, diff(1, { tasks: { upsert: [], remove: [firstTask.id] } }))).toBe(model);
    expect(applyDiff(model, { clusterId: 'other', version: 2, tasks: { upsert: [], remove: [firstTask.id] } })).toBe(model);
  });

  it('applies a run of diffs in order', () => {
    const next = applyDiffs(model, [
      diff(2, { tasks: { upsert: [{ ...firstTask, state: 'shutdown' }], remove: [] } }),
      diff(3, { tasks: { upsert: [], remove: [firstTask.id] } }),
    ]) as TopologyModel;
    expect(next.version).toBe(3);
    expect(next.tasks.has(firstTask.id)).toBe(false);
  });
});

describe('the index', () => {
  it('kept up diff by diff equals one built from scratch', () => {
    const big = fromSnapshot(syntheticSnapshot({ nodes: 40, services: 60, tasks: 600, seed: 3 }));
    let current = big;
    let index = buildIndex(big);
    for (let i = 0; i < 25; i++) {
      const step = syntheticDiff(current, { seed: i, changes: 15 });
      if (i % 5 === 0) {
        const victim = [...current.tasks.keys()][i]!;
        step.tasks!.remove.push(victim);
      }
      const next = applyDiff(current, step) as TopologyModel;
      index = updateIndex(index, current, next, [step]);
      current = next;
    }
    const fresh = buildIndex(current);
    const sorted = (m: ReadonlyMap<string, readonly TopologyTask[]>) =>
      [...m.entries()].map(([k, v]) => [k, v.map((t) => t.id).sort()] as const).sort(([a], [b]) => a.localeCompare(b));
    expect(sorted(index.tasksByNode)).toEqual(sorted(fresh.tasksByNode));
    expect(sorted(index.tasksByService)).toEqual(sorted(fresh.tasksByService));
    expect(index.counts).toEqual(fresh.counts);
    expect(index.nodeOrder).toEqual(fresh.nodeOrder);
    expect(index.serviceOrder).toEqual(fresh.serviceOrder);
  });

  it('orders managers first, the leader first among them, then workers by hostname', () => {
    const fourteen = fromSnapshot(syntheticSnapshot({ nodes: 14, managers: 3, seed: 2 }));
    const names = buildIndex(fourteen).nodeOrder.map((id) => fourteen.nodes.get(id)!.hostname);
    expect(names.slice(0, 5)).toEqual(['manager1', 'manager2', 'manager3', 'worker1', 'worker2']);
    expect(names.at(-1)).toBe('worker11');
  });
});

describe('the feed from the core', () => {
  it('keeps diffs that come before the snapshot and applies those it does not hold', () => {
    const feed = new TopologyFeed('c1');
    expect(feed.diffs([diff(1), diff(2, { tasks: { upsert: [], remove: [firstTask.id] } })])).toBe('waiting');
    expect(feed.snapshot(snapshot)).toBe('ok');
    expect(feed.view?.model.version).toBe(2);
    expect(feed.view?.model.tasks.has(firstTask.id)).toBe(false);
  });

  it('says resync on a gap, and waits for the next snapshot meanwhile', () => {
    const feed = new TopologyFeed('c1');
    feed.snapshot(snapshot);
    expect(feed.diffs([diff(3)])).toBe('resync');
    feed.waitForSnapshot();
    expect(feed.diffs([diff(6)])).toBe('waiting');
    expect(feed.view?.model.version).toBe(1);
    expect(feed.snapshot({ ...snapshot, version: 5 })).toBe('ok');
    expect(feed.view?.model.version).toBe(6);
  });
});
