import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lab, type LabHost } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { connectSsh } from '../ssh/connect.js';
import { HostKeyStore } from '../ssh/host-key-store.js';
import { ManagedConnection, type LinkState } from '../ssh/managed-connection.js';
import { DockerSession, type DockerEvent } from './docker-session.js';

// A real sshd and dockerd, and real faults: sshd killed, the network cable pulled.
describeLab('a managed link and its Docker session through faults', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let host: LabHost;
  let link: ManagedConnection;
  let session: DockerSession;
  const states: LinkState[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    host = (await lab.up({ managers: 1 }))[0]!;
    const hostKeys = new HostKeyStore({ appFile: join(dir, 'known_hosts'), userFiles: [] });
    link = new ManagedConnection(
      () =>
        connectSsh(
          { host: host.address, port: host.port, user: host.user, auth: ['key'], identityFile: host.keyPath },
          {
            hostKeys,
            promptUnknownHostKey: async () => true,
            credentials: { password: async () => null, passphrase: async () => null },
            // Short keepalives so a dead link is noticed within seconds in this test.
            keepaliveIntervalMs: 1000,
            keepaliveCountMax: 2,
            readyTimeoutMs: 5000,
          },
        ),
      { minMs: 200, maxMs: 2000 },
    );
    link.on('status', (status) => states.push(status.state));
    session = new DockerSession(link);
  });
  afterAll(async () => {
    link?.close();
    await lab.down();
    await cleanup();
  });

  const rootDocker = (args: string[]) => lab.exec(host, ['docker', ...args]);

  it('connects on first use and answers reads', async () => {
    const version = await session.request('read', (docker) => docker.version());
    expect(version.ApiVersion).toMatch(/^1\./);
    expect(states).toEqual(['connecting', 'ready']);
  });

  it('follows events across a killed sshd, including those that happened while it was down', async () => {
    const seen: string[] = [];
    const stop = session.followEvents((event: DockerEvent) => seen.push(`${event.Action} ${event.Actor?.Attributes?.name ?? ''}`), {
      type: ['network'],
    });
    try {
      await rootDocker(['network', 'create', 'before-drop']);
      await expect.poll(() => seen, { timeout: 15_000 }).toContain('create before-drop');

      await lab.killSshd(host);
      await expect.poll(() => link.state.state, { timeout: 15_000 }).toBe('reconnecting');
      await rootDocker(['network', 'create', 'during-drop']);
      await lab.restartSshd(host);
      await expect.poll(() => link.state.state, { timeout: 30_000 }).toBe('ready');
      await rootDocker(['network', 'create', 'after-drop']);
      await expect.poll(() => seen, { timeout: 20_000 }).toEqual(expect.arrayContaining(['create during-drop', 'create after-drop']));
      expect(seen.filter((s) => s === 'create before-drop')).toHaveLength(1);
    } finally {
      stop();
    }
  });

  it('notices a pulled cable through keepalives, then reconnects when it is back', async () => {
    await session.request('read', (docker) => docker.ping());
    await lab.disconnect(host);
    try {
      await expect.poll(() => link.state.state, { timeout: 20_000 }).toBe('reconnecting');
    } finally {
      await lab.reconnect(host);
    }
    await expect.poll(() => link.state.state, { timeout: 30_000 }).toBe('ready');
  });

  it('retries a read across a drop, but reports a write in flight as OUTCOME_UNKNOWN', async () => {
    await session.request('read', (docker) => docker.ping());
    await lab.disconnect(host);
    const write = session.request('write', (docker) => docker.createNetwork({ Name: 'maybe-created' }));
    const read = session.request('read', (docker) => docker.listNetworks());
    await expect(write).rejects.toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    await lab.reconnect(host);
    const networks = await read;
    expect(networks.map((n) => n.Name)).toContain('bridge');
  });
});
