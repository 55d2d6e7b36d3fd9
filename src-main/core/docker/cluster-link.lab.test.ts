import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lab, type LabHost } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { connectSsh } from '../ssh/connect.js';
import { HostKeyStore } from '../ssh/host-key-store.js';
import { ManagedConnection } from '../ssh/managed-connection.js';
import { ClusterLink, type ClusterLinkStatus } from './cluster-link.js';

// Three real managers in a real swarm; managers are stopped under the app's feet.
describeLab('failover across managers, and quorum loss', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let cluster: ClusterLink;
  let order: LabHost[];
  const links: ManagedConnection[] = [];
  const statuses: ClusterLinkStatus[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 3, passwordHost: false });
    await lab.swarm.form();
    const leader = await lab.swarm.leader(lab.managers[0]!);
    // Start on a follower: stopping it must not also start a leader election.
    order = [...lab.managers.filter((m) => m.name !== leader), ...lab.managers.filter((m) => m.name === leader)];
    const hostKeys = new HostKeyStore({ appFile: join(dir, 'known_hosts'), userFiles: [] });
    cluster = new ClusterLink(
      order.map((host) => {
        const link = new ManagedConnection(
          () =>
            connectSsh(
              { host: host.address, port: host.port, user: host.user, auth: ['key'], identityFile: host.keyPath },
              {
                hostKeys,
                promptUnknownHostKey: async (_e, key) => key.fingerprint === host.fingerprint,
                credentials: { password: async () => null, passphrase: async () => null },
                keepaliveIntervalMs: 1000,
                keepaliveCountMax: 2,
                readyTimeoutMs: 3000,
              },
            ),
          { minMs: 500, maxMs: 4000 },
        );
        links.push(link);
        return { name: host.name, link };
      }),
    );
    cluster.on('status', (status) => statuses.push(status));
  });
  afterAll(async () => {
    for (const link of links) link.close();
    await lab.down();
    await cleanup();
  });

  const nodeCount = () => cluster.request('read', async (docker) => (await docker.listNodes()).length);

  it('reads the swarm through the first manager', async () => {
    expect(await nodeCount()).toBe(3);
    expect(cluster.state).toEqual({ state: 'using', manager: order[0]!.name });
  });

  it('moves to another manager when the one in use stops, and says which', async () => {
    const stoppedAt = Date.now();
    await lab.stop(order[0]!);
    await expect.poll(() => nodeCount().catch(() => -1), { timeout: 30_000, interval: 250 }).toBe(3);
    const tookMs = Date.now() - stoppedAt;
    expect(cluster.state.state).toBe('using');
    expect(cluster.state).not.toEqual({ state: 'using', manager: order[0]!.name });
    console.log(`failover took ${tookMs} ms after the manager in use was stopped`);
  });

  it('reports lost quorum as QUORUM_LOST when a second manager is down', async () => {
    await lab.stop(order[1]!);
    const error = await cluster
      .request('write', (docker) => docker.createNetwork({ Name: 'needs-quorum', Driver: 'overlay' }))
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'QUORUM_LOST' });
  });

  it('says no manager is reachable when none answers, then recovers when they are back', async () => {
    await lab.stop(order[2]!);
    await expect.poll(() => nodeCount().catch((err: { code?: string }) => err.code), { timeout: 30_000 }).toBe('NO_MANAGER_REACHABLE');
    expect(statuses.at(-1)?.state).toBe('no-manager');
    for (const host of order) await lab.start(host);
    await expect.poll(() => nodeCount().catch(() => -1), { timeout: 120_000, interval: 1000 }).toBe(3);
  });
});
