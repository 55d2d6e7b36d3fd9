import { describe, expect, it } from 'vitest';
import type { HostRecord } from '../../contract.js';
import type { SwarmNode } from '../swarm/swarm-api.js';
import { restartGuard, restartOrder } from './daemon-rollout.js';
import { isBack } from './daemon-wait.js';

function node(
  name: string,
  role: 'manager' | 'worker',
  extra: { leader?: boolean; reach?: string; state?: string; version?: number } = {},
): SwarmNode {
  return {
    ID: `id-${name}`,
    Version: { Index: extra.version ?? 10 },
    Spec: { Role: role, Availability: 'active' },
    Description: { Hostname: name },
    Status: { State: extra.state ?? 'ready', Addr: `10.0.0.${name.length}${name.at(-1)}` },
    ...(role === 'manager' ? { ManagerStatus: { Leader: extra.leader ?? false, Reachability: extra.reach ?? 'reachable' } } : {}),
  };
}

function record(alias: string): HostRecord {
  return {
    id: alias,
    alias,
    address: `${alias}.lan`,
    port: 22,
    user: 'ops',
    auth: ['key'],
    identityFile: null,
    jump: [],
    tags: [],
  } as HostRecord;
}

const swarm = [
  node('m1', 'manager', { leader: true }),
  node('w2', 'worker'),
  node('m3', 'manager'),
  node('m2', 'manager'),
  node('w1', 'worker'),
];
const records = ['m1', 'm2', 'm3', 'w1', 'w2'].map(record);

describe('restartOrder', () => {
  it('restarts the workers first, then the managers that do not lead, the leader last', () => {
    expect(restartOrder(swarm, records).map((n) => `${n.alias}/${n.role}`)).toEqual([
      'w1/worker',
      'w2/worker',
      'm2/manager',
      'm3/manager',
      'm1/manager',
    ]);
    expect(restartOrder(swarm, records)[0]).toEqual({ alias: 'w1', nodeId: 'id-w1', hostname: 'w1', role: 'worker' });
  });

  it('names every node that is not in Hosts', () => {
    expect(() => restartOrder(swarm, records.slice(0, 3))).toThrow(
      expect.objectContaining({ code: 'CLUSTER_HOSTS_UNKNOWN', params: { hosts: 'w1, w2' } }),
    );
  });
});

describe('restartGuard', () => {
  const target = restartOrder(swarm, records).find((n) => n.alias === 'm2')!;

  it('lets a manager restart while the others keep quorum', () => {
    expect(() => restartGuard(target, swarm)).not.toThrow();
  });

  it('refuses when the others would be too few without it', () => {
    const oneDown = swarm.map((n) => (n.ID === 'id-m3' ? node('m3', 'manager', { reach: 'unreachable', state: 'down' }) : n));
    expect(() => restartGuard(target, oneDown)).toThrow(
      expect.objectContaining({ code: 'QUORUM_GUARD', params: { host: 'm2', reachable: '1', managers: '3', needed: '2' } }),
    );
    // Two managers: either one restarting leaves one of two, which is no majority.
    const two = [node('m1', 'manager', { leader: true }), node('m2', 'manager')];
    expect(() => restartGuard(target, two)).toThrow(expect.objectContaining({ code: 'QUORUM_GUARD' }));
  });

  it('lets a lone manager restart: there is no quorum to keep', () => {
    const lone = restartOrder([node('m1', 'manager', { leader: true })], records)[0]!;
    expect(() => restartGuard(lone, [node('m1', 'manager', { leader: true })])).not.toThrow();
  });
});

describe('isBack', () => {
  it('needs the node to have registered again since the restart, Ready, and Reachable for a manager', () => {
    expect(isBack(node('w1', 'worker', { version: 10 }), false, 10)).toBe(false);
    expect(isBack(node('w1', 'worker', { version: 11 }), false, 10)).toBe(true);
    expect(isBack(node('w1', 'worker', { version: 11, state: 'down' }), false, 10)).toBe(false);
    expect(isBack(node('m2', 'manager', { version: 11, reach: 'unreachable' }), true, 10)).toBe(false);
    expect(isBack(node('m2', 'manager', { version: 11 }), true, 10)).toBe(true);
  });
});
