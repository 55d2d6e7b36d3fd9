import { describe, expect, it } from 'vitest';
import { labelUpdates, type PoolNode } from './pool-labeler.js';

const node = (id: string, engine: Record<string, string>, labels: Record<string, string> = {}): PoolNode => ({
  ID: id,
  Version: { Index: 3 },
  Spec: { Role: 'worker', Availability: 'active', Labels: labels },
  Description: { Hostname: id, Engine: { EngineVersion: '20.10', Labels: engine } },
});

describe('labelUpdates', () => {
  const pools = { workers: { zone: 'a', tier: 'web' }, managers: {} };

  it('labels a node of a pool that lacks the pool labels, keeping its own', () => {
    const updates = labelUpdates([node('n1', { 'swarmdeck.pool': 'workers' }, { team: 'ops' })], pools);
    expect(updates.map((u) => [u.node.ID, u.pool, u.labels])).toEqual([['n1', 'workers', { team: 'ops', zone: 'a', tier: 'web' }]]);
  });

  it('leaves alone nodes of no pool, of an unknown pool, already labelled, or changed by the operator since', () => {
    const nodes = [
      node('plain', {}),
      node('other', { 'swarmdeck.pool': 'gone' }),
      node('done', { 'swarmdeck.pool': 'workers' }, { zone: 'a', tier: 'web' }),
      node('edited', { 'swarmdeck.pool': 'workers' }, { zone: 'b', tier: 'api' }),
      node('mgr', { 'swarmdeck.pool': 'managers' }),
    ];
    expect(labelUpdates(nodes, pools)).toEqual([]);
  });

  it('adds only the missing keys of a partly labelled node', () => {
    const [update] = labelUpdates([node('half', { 'swarmdeck.pool': 'workers' }, { zone: 'b' })], pools);
    expect(update?.labels).toEqual({ zone: 'b', tier: 'web' });
  });
});
