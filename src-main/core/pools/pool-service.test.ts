import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { EventBus } from '../events.js';
import type { SwarmNode } from '../swarm/swarm-api.js';
import { managerAddresses, NodePools } from './pool-service.js';

const manager = (id: string, addr: string, over: Partial<NonNullable<SwarmNode['ManagerStatus']>> = {}): SwarmNode => ({
  ID: id,
  Version: { Index: 1 },
  Spec: { Role: 'manager' },
  ManagerStatus: { Addr: addr, Reachability: 'reachable', Leader: false, ...over },
});
const worker: SwarmNode = { ID: 'w', Version: { Index: 1 }, Spec: { Role: 'worker' } };
const TOKEN_W = 'SWMTKN-1-abc123-workerpart';
const TOKEN_M = 'SWMTKN-1-abc123-managerpart';

describe('managerAddresses', () => {
  it('lists reachable managers, the leader first', () => {
    const nodes = [
      manager('a', '10.0.0.1:2377'),
      worker,
      manager('b', '10.0.0.2:2377', { Leader: true }),
      manager('c', '10.0.0.3:2377', { Reachability: 'unreachable' }),
    ];
    expect(managerAddresses(nodes)).toEqual(['10.0.0.2:2377', '10.0.0.1:2377']);
  });
});

describe('NodePools', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let activity: ActivityLog;
  let swarm: { tokens: { Worker: string; Manager: string }; nodes: SwarmNode[] };
  const clusters = {
    linkOf: () =>
      Promise.resolve({
        profile: { id: 'c-1', name: 'lab' },
        link: { request: () => Promise.resolve([{ JoinTokens: swarm.tokens }, swarm.nodes]) },
      }),
  } as unknown as Pick<ClusterService, 'linkOf'>;

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    activity = new ActivityLog(dir, new EventBus());
    swarm = { tokens: { Worker: TOKEN_W, Manager: TOKEN_M }, nodes: [manager('a', '10.0.0.1:2377', { Leader: true }), worker] };
  });
  afterEach(() => cleanup());

  it('writes the script readable by the owner only, keeps hashes, and says when it went stale', async () => {
    const pools = new NodePools(dir, clusters, activity);
    const path = join(dir, 'workers.sh');
    const info = await pools.writeUserData('c-1', { name: 'workers', role: 'worker', labels: { zone: 'a' }, targetSize: 3 }, path);
    expect(info).toMatchObject({ pool: 'workers', role: 'worker', targetSize: 3, managers: ['10.0.0.1:2377'], stale: [] });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const script = await readFile(path, 'utf8');
    expect(script).toContain(TOKEN_W);
    expect(script).not.toContain(TOKEN_M);
    const record = await readFile(pools.path, 'utf8');
    expect(record).not.toContain('SWMTKN');
    expect(JSON.stringify(activity.list())).not.toContain('SWMTKN');

    // A second process reads the record back.
    const again = new NodePools(dir, clusters, activity);
    await again.load();
    expect((await again.status('c-1')).map((p) => p.stale)).toEqual([[]]);
    swarm.tokens = { ...swarm.tokens, Worker: 'SWMTKN-1-abc123-rotated' };
    expect((await again.status('c-1'))[0]?.stale).toEqual(['token']);
    swarm.nodes.push(manager('b', '10.0.0.2:2377'));
    expect((await again.status('c-1'))[0]?.stale).toEqual(['token', 'managers']);
  });

  it('refuses to write a script without a reachable manager, and reports an unwritable path', async () => {
    const pools = new NodePools(dir, clusters, activity);
    const pool = { name: 'workers', role: 'worker' as const, labels: {}, targetSize: null };
    await expect(pools.writeUserData('c-1', pool, join(dir, 'no', 'such', 'dir.sh'))).rejects.toMatchObject({ code: 'POOL_WRITE_FAILED' });
    swarm.nodes = [worker];
    await expect(pools.writeUserData('c-1', pool, join(dir, 'x.sh'))).rejects.toMatchObject({ code: 'NO_MANAGER_REACHABLE' });
    expect(await pools.status('c-1')).toEqual([]);
  });
});
