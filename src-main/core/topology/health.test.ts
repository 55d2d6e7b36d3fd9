import { describe, expect, it } from 'vitest';
import type { TopologyNode, TopologyTask } from '../../contract.js';
import { computeHealth } from './health.js';

const node = (hostname: string, over: Partial<TopologyNode> = {}): TopologyNode => ({
  id: hostname,
  hostname,
  role: 'worker',
  leader: false,
  reachability: null,
  availability: 'active',
  state: 'ready',
  engine: '20.10.24',
  address: '10.0.0.1',
  labels: {},
  nanoCpus: 2e9,
  memoryBytes: 2 ** 31,
  ...over,
});
const manager = (hostname: string, over: Partial<TopologyNode> = {}) =>
  node(hostname, { role: 'manager', reachability: 'reachable', ...over });
const task = (nodeId: string): TopologyTask => ({
  id: `t-${nodeId}`,
  serviceId: 's',
  nodeId,
  slot: 1,
  state: 'running',
  desiredState: 'running',
  message: '',
  error: null,
  containerId: null,
  updatedAt: '',
});
const base = {
  tasks: [] as TopologyTask[],
  autolock: true,
  swarmCreatedAt: null,
  tokensRotatedAt: null,
  now: Date.parse('2026-11-28T00:00:00Z'),
};
const codes = (h: ReturnType<typeof computeHealth>) => h.warnings.map((w) => w.code);

describe('computeHealth', () => {
  it('3 managers up tolerate 1 failure; with one down they tolerate none, and say which is unreachable', () => {
    const all = [manager('m1', { leader: true }), manager('m2'), manager('m3')];
    expect(computeHealth({ ...base, nodes: all })).toMatchObject({
      managers: 3,
      reachable: 3,
      tolerates: 1,
      toleratesNow: 1,
      leader: 'm1',
      warnings: [],
    });
    const one = computeHealth({ ...base, nodes: [all[0]!, all[1]!, manager('m3', { reachability: 'unreachable', state: 'down' })] });
    expect(one).toMatchObject({ reachable: 2, tolerates: 1, toleratesNow: 0 });
    expect(one.warnings).toContainEqual({ code: 'MANAGERS_UNREACHABLE', params: { hosts: 'm3', count: '1', toleratesNow: '0' } });
    expect(codes(one)).toContain('NODES_DOWN');
  });

  it('says quorum is lost when fewer than a majority answer', () => {
    const h = computeHealth({
      ...base,
      nodes: [manager('m1'), manager('m2', { reachability: 'unreachable' }), manager('m3', { reachability: 'unreachable' })],
    });
    expect(h.warnings[0]).toEqual({ code: 'QUORUM_LOST', params: { reachable: '1', needed: '2' } });
    expect(codes(h)).not.toContain('MANAGERS_UNREACHABLE');
  });

  it('warns about one manager, an even count, skewed engines and autolock off', () => {
    expect(codes(computeHealth({ ...base, nodes: [manager('m1')] }))).toEqual(['MANAGER_SINGLE']);
    expect(codes(computeHealth({ ...base, nodes: [manager('m1'), manager('m2')] }))).toEqual(['MANAGERS_EVEN']);
    expect(computeHealth({ ...base, nodes: [manager('m1'), node('w1', { engine: '24.0.7' })] }).warnings).toContainEqual({
      code: 'ENGINE_SKEW',
      params: { versions: '20.10.24, 24.0.7' },
    });
    expect(codes(computeHealth({ ...base, autolock: false, nodes: [manager('m1')] }))).toContain('AUTOLOCK_OFF');
  });

  it('warns about managers running workloads only above 5 nodes, and only for active ones with tasks', () => {
    const nodes = [manager('m1'), manager('m2'), manager('m3', { availability: 'drain' }), node('w1'), node('w2')];
    const tasks = [task('m1'), task('m3'), task('w1')];
    expect(codes(computeHealth({ ...base, nodes, tasks }))).not.toContain('MANAGERS_RUN_WORKLOADS');
    const six = computeHealth({ ...base, nodes: [...nodes, node('w3')], tasks });
    expect(six.warnings).toContainEqual({ code: 'MANAGERS_RUN_WORKLOADS', params: { hosts: 'm1', nodes: '6' } });
  });

  it('warns when the join tokens are older than six months, from the swarm or the last rotation', () => {
    const nodes = [manager('m1')];
    expect(codes(computeHealth({ ...base, nodes, swarmCreatedAt: '2026-01-01T00:00:00Z' }))).toContain('TOKENS_NOT_ROTATED');
    expect(
      codes(computeHealth({ ...base, nodes, swarmCreatedAt: '2026-01-01T00:00:00Z', tokensRotatedAt: '2026-10-01T00:00:00Z' })),
    ).not.toContain('TOKENS_NOT_ROTATED');
  });
});
