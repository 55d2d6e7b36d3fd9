import { describe, expect, it } from 'vitest';
import type { SwarmNode } from './swarm-api.js';
import { demoteGuard } from './cluster-operations.js';

const manager = (id: string, reachability = 'reachable'): SwarmNode => ({
  ID: id,
  Version: { Index: 1 },
  Spec: { Role: 'manager' },
  Description: { Hostname: id },
  ManagerStatus: { Reachability: reachability },
});
const worker = (id: string): SwarmNode => ({ ID: id, Version: { Index: 1 }, Spec: { Role: 'worker' }, Description: { Hostname: id } });

describe('demoteGuard', () => {
  it('lets one of three healthy managers go: two reachable of two keep quorum', () => {
    const nodes = [manager('m1'), manager('m2'), manager('m3'), worker('w1')];
    expect(() => demoteGuard(nodes[1]!, nodes, false)).not.toThrow();
  });

  it('refuses when the managers left could not agree, and names the numbers; an override lets it through', () => {
    const nodes = [manager('m1'), manager('m2'), manager('m3', 'unreachable')];
    expect(() => demoteGuard(nodes[1]!, nodes, false)).toThrow(
      expect.objectContaining({ code: 'QUORUM_GUARD', params: { host: 'm2', reachable: '1', managers: '2', needed: '2' } }),
    );
    expect(() => demoteGuard(nodes[1]!, nodes, true)).not.toThrow();
  });

  it('never demotes the last manager, override or not', () => {
    const nodes = [manager('m1'), worker('w1')];
    expect(() => demoteGuard(nodes[0]!, nodes, true)).toThrow(expect.objectContaining({ code: 'LAST_MANAGER' }));
  });

  it('has nothing to say about a worker', () => {
    expect(() => demoteGuard(worker('w1'), [manager('m1'), worker('w1')], false)).not.toThrow();
  });
});
