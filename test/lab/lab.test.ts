// Self-test of the lab: five real servers (3 managers, 2 workers) look and behave as the
// app will expect of real ones, form a swarm, lose and regain a leader and quorum, take
// faults, and leave nothing behind.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from './suite.js';
import { LAB_IMAGES, lab, leftovers, listLabs, storeLeftovers } from './index.js';
import type { LabHost } from './index.js';
import { run, waitFor } from './exec.js';

/** From inside `from`, can a TCP connection to to:port be made within 3 s? */
async function tcpFrom(from: LabHost, to: LabHost, port: number): Promise<boolean> {
  const r = await lab.exec(from, ['timeout', '3', 'bash', '-c', `</dev/tcp/${to.address}/${port}`]);
  return r.code === 0;
}

describeLab('lab: 3 managers + 2 workers', () => {
  let hosts: LabHost[] = [];
  /** Managers the failover tests stopped, in order. */
  const stopped: string[] = [];
  const byName = (n: string): LabHost => lab.host(n);

  beforeAll(async () => {
    hosts = await lab.up({ managers: 3, workers: 2 });
    console.log(`lab up: ${JSON.stringify(lab.lastUpTimings)}`);
  });
  afterAll(async () => {
    await lab.down();
  });

  it('gives every host its own hostname, address and host key', async () => {
    expect(hosts.map((h) => h.name)).toEqual(['manager1', 'manager2', 'manager3', 'worker1', 'worker2']);
    expect(new Set(hosts.map((h) => h.address)).size).toBe(5);
    expect(new Set(hosts.map((h) => h.fingerprint)).size).toBe(5);
    for (const h of hosts) {
      expect(h.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(h.port).toBe(22);
      expect(h.user).toBe('ops');
    }
    const names = await Promise.all(hosts.map(async (h) => (await lab.ssh(h, 'hostname')).stdout.trim()));
    expect(names).toEqual(hosts.map((h) => h.name));
  });

  it('reports the fingerprint that ssh-keyscan sees', async () => {
    for (const h of hosts) {
      const scan = await run('ssh-keyscan', ['-t', 'ed25519', '-T', '5', h.address], { timeoutMs: 15_000 });
      const fp = await run('ssh-keygen', ['-lf', '-'], { input: scan.stdout });
      expect(fp.stdout).toContain(h.fingerprint);
    }
  });

  it('lets ops in with the key on four hosts, with sudo and docker', async () => {
    const keyHosts = hosts.filter((h) => h.auth === 'key');
    expect(keyHosts).toHaveLength(4);
    for (const h of keyHosts) {
      const r = await lab.ssh(h, 'id -un; id -Gn; sudo -n true && echo sudo-ok; docker version --format {{.Server.Version}}');
      expect(r.code, r.stderr).toBe(0);
      const [user, groups, sudo, version] = r.stdout.trim().split('\n');
      expect(user).toBe('ops');
      expect(groups?.split(' ')).toContain('docker');
      expect(sudo).toBe('sudo-ok');
      expect(version).toMatch(/^20\.10\./);
    }
  });

  it('lets ops in with a password only on the password host (SSH_ASKPASS)', async () => {
    const pw = hosts.filter((h) => h.auth === 'password');
    expect(pw.map((h) => h.name)).toEqual(['worker2']);
    const h = pw[0] as LabHost;
    expect(h.password).toMatch(/^[0-9a-f]{16}$/);
    const ok = await lab.ssh(h, 'id -un');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe('ops');
    const wrong = await lab.ssh(h, 'true', { password: 'not-the-password' });
    expect(wrong.code).toBe(255);
    // The key is refused there: the app has to ask for a password.
    const key = await lab.ssh(h, 'true', {
      sshArgs: ['-o', 'PubkeyAuthentication=yes', '-o', 'PasswordAuthentication=no', '-o', 'BatchMode=yes'],
    });
    expect(key.code).toBe(255);
    expect(key.stderr).toMatch(/Permission denied/);
  });

  it('refuses root logins', async () => {
    const r = await lab.ssh('manager1', 'true', { sshArgs: ['-l', 'root'] });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Permission denied/);
    const cfg = await lab.exec('manager1', ['sshd', '-T']);
    expect(cfg.stdout).toMatch(/^permitrootlogin no$/m);
  });

  it('has the service and registry images loaded in every host', async () => {
    for (const h of hosts) {
      const r = await lab.ssh(h, "docker image ls --format '{{.Repository}}:{{.Tag}}'");
      expect(r.stdout.split('\n')).toEqual(expect.arrayContaining([LAB_IMAGES.service, LAB_IMAGES.registry]));
    }
  });

  it('stops dockerd with sudo systemctl stop docker over SSH, and honours daemon.json on start', async () => {
    const h = byName('worker1');
    const stop = await lab.ssh(
      h,
      'sudo systemctl stop docker docker.socket && ! pgrep -x dockerd && ! docker info >/dev/null 2>&1 && echo stopped',
    );
    expect(stop.stdout.trim()).toBe('stopped');
    const json = JSON.stringify({ 'insecure-registries': [`${byName('manager1').address}:5000`] });
    const start = await lab.ssh(
      h,
      `echo '${json}' | sudo tee /etc/docker/daemon.json >/dev/null && sudo systemctl start docker && docker info --format '{{json .RegistryConfig.IndexConfigs}}'`,
    );
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toContain(`${byName('manager1').address}:5000`);
    const reset = await lab.ssh(h, 'sudo rm /etc/docker/daemon.json && sudo systemctl restart docker && systemctl is-active docker');
    expect(reset.stdout.trim()).toBe('active');
  });

  it('forms one swarm through lab.swarm: 5 Ready nodes with the right roles', async () => {
    const nodes = await lab.swarm.form();
    expect(nodes).toHaveLength(5);
    const role = (n: string): string => nodes.find((x) => x.hostname === n)?.managerStatus ?? 'missing';
    expect(nodes.every((n) => n.status === 'Ready')).toBe(true);
    expect(['Leader', 'Reachable']).toContain(role('manager1'));
    expect(['Leader', 'Reachable']).toContain(role('manager2'));
    expect(['Leader', 'Reachable']).toContain(role('manager3'));
    expect(role('worker1')).toBe('');
    expect(role('worker2')).toBe('');
    expect(nodes.filter((n) => n.managerStatus === 'Leader')).toHaveLength(1);
  });

  it('keeps real swarm state in /var/lib/docker/swarm on managers', async () => {
    for (const m of lab.managers) {
      const r = await lab.ssh(m, 'sudo test -d /var/lib/docker/swarm/raft && echo yes');
      expect(r.stdout.trim()).toBe('yes');
    }
  });

  it('elects a new leader within 30 s when the leader host stops', async () => {
    const old = await lab.swarm.leader('manager1');
    expect(old).toBeDefined();
    await lab.stop(old as string);
    stopped.push(old as string);
    const other = lab.managers.find((m) => m.name !== old) as LabHost;
    const started = Date.now();
    const next = await waitFor(
      'a new leader',
      async () => {
        const l = await lab.swarm.leader(other);
        return l !== undefined && l !== old ? l : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    console.log(`new leader ${next} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(next).not.toBe(old);
  });

  it('loses quorum when a second manager stops: manager calls fail with context deadline exceeded', async () => {
    expect(stopped).toHaveLength(1);
    const [second, last] = lab.managers.filter((m) => !stopped.includes(m.name)) as [LabHost, LabHost];
    await lab.stop(second);
    stopped.push(second.name);
    const err = await waitFor(
      'manager calls to fail for lost quorum',
      async () => {
        const r = await lab.swarm.docker(last, ['node', 'ls'], 120_000);
        return r.code !== 0 && /context deadline exceeded/.test(r.stderr) ? r.stderr : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(err).toMatch(/DeadlineExceeded|context deadline exceeded/);
  });

  it('recovers when the stopped managers start again', async () => {
    expect(stopped).toHaveLength(2);
    await Promise.all(stopped.map((m) => lab.start(m)));
    const nodes = await lab.swarm.waitReady('manager1', 5, 180_000);
    expect(nodes.filter((n) => n.managerStatus === 'Leader')).toHaveLength(1);
  });

  it('disconnects and reconnects a host', async () => {
    const [w, m] = [byName('worker1'), byName('manager1')];
    await lab.disconnect(w);
    expect((await lab.ssh(w, 'true')).code).toBe(255);
    expect(await tcpFrom(m, w, 22)).toBe(false);
    await lab.reconnect(w);
    expect((await lab.ssh(w, 'true')).code).toBe(0);
    expect(await tcpFrom(m, w, 22)).toBe(true);
  });

  it('partitions hosts into groups that cannot hear each other, and heals', async () => {
    const [m1, m2, m3] = [byName('manager1'), byName('manager2'), byName('manager3')];
    await lab.partition([m1, m2], [m3]);
    expect(await tcpFrom(m1, m3, 2377)).toBe(false);
    expect(await tcpFrom(m3, m2, 2377)).toBe(false);
    expect(await tcpFrom(m1, m2, 2377)).toBe(true);
    // The workstation is on neither side: it still reaches everyone.
    expect((await lab.ssh(m3, 'true')).code).toBe(0);
    await lab.heal();
    expect(await tcpFrom(m1, m3, 2377)).toBe(true);
  });

  it('pauses a host (nothing answers) and unpauses it', async () => {
    const w = byName('worker1');
    await lab.pause(w);
    const r = await lab.ssh(w, 'true', { sshArgs: ['-o', 'ConnectTimeout=3'] });
    expect(r.code).toBe(255);
    await lab.unpause(w);
    expect((await lab.ssh(w, 'true')).code).toBe(0);
  });

  it('kills a host hard and boots it again with its swarm state', async () => {
    const w = byName('worker1');
    await lab.kill(w);
    expect((await lab.exec(w, ['true'])).code).not.toBe(0);
    await lab.start(w);
    expect((await lab.ssh(w, 'docker info --format {{.Swarm.LocalNodeState}}')).stdout.trim()).toBe('active');
    await lab.swarm.waitReady('manager1', 5, 120_000);
  });

  it('rotates a host key: a strict client refuses the host until told the new key', async () => {
    const m = byName('manager3');
    const { previous, fingerprint } = await lab.rotateHostKey(m);
    expect(fingerprint).not.toBe(previous);
    const refused = await lab.ssh(m, 'true');
    expect(refused.code).toBe(255);
    expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    lab.trustHostKey(m);
    expect((await lab.ssh(m, 'true')).code).toBe(0);
  });

  it('kills sshd (connection refused, docker still up) and restarts it', async () => {
    const m = byName('manager2');
    await lab.killSshd(m);
    const r = await lab.ssh(m, 'true');
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Connection refused/);
    expect((await lab.swarm.docker(m, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim()).toBe('active');
    await lab.restartSshd(m);
    expect((await lab.ssh(m, 'true')).code).toBe(0);
  });

  it('down() leaves nothing behind, and a second down() is harmless', async () => {
    await lab.down();
    await lab.down();
    if (listLabs().length > 0) {
      console.log(
        `other labs are up (${listLabs()
          .map((l) => l.id)
          .join(', ')}): only this lab's absence is checked`,
      );
      return;
    }
    expect(await leftovers()).toEqual([]);
    expect(await storeLeftovers()).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });
});
