// Self-test of the bastion option: only the bastion is reachable from the workstation; the
// other hosts only through it (ssh -J / ProxyJump), as behind a real jump box.
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from './suite.js';
import { createLab, leftovers, listLabs } from './index.js';
import type { LabHost } from './index.js';

const lab = createLab();

/** Does a TCP connection from the workstation get anywhere within 3 s? */
function reachable(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port, timeout: 3000 });
    s.on('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.on('timeout', () => {
      s.destroy();
      resolve('timeout');
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describeLab('lab with a bastion', () => {
  let hosts: LabHost[] = [];

  beforeAll(async () => {
    hosts = await lab.up({ managers: 1, workers: 1, bastion: true });
  });
  afterAll(async () => {
    await lab.down();
  });

  it('puts the bastion on both networks and the others on the private one only', () => {
    const bastion = lab.host('bastion');
    expect(bastion.addresses.main).toBeDefined();
    expect(bastion.addresses.private).toBeDefined();
    expect(bastion.via).toBeUndefined();
    for (const h of hosts.filter((x) => x.role !== 'bastion')) {
      expect(h.addresses.main).toBeUndefined();
      expect(h.address).toBe(h.addresses.private);
      expect(h.via).toBe('bastion');
    }
  });

  it('reaches the bastion directly', async () => {
    expect(await reachable(lab.host('bastion').address, 22)).toBe('connected');
    const r = await lab.ssh('bastion', 'hostname');
    expect(r.stdout.trim()).toBe('bastion');
  });

  it('cannot reach a manager directly from the workstation', async () => {
    const m = lab.host('manager1');
    expect(await reachable(m.address, 22)).toBe('ENETUNREACH');
    const r = await lab.ssh(m, 'true', { sshArgs: ['-o', 'ProxyJump=none'] });
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Network is unreachable/);
  });

  it('reaches the manager through the bastion with ssh -J', async () => {
    const m = lab.host('manager1');
    const viaConfig = await lab.ssh(m, 'hostname; docker info --format {{.ServerVersion}}');
    expect(viaConfig.code, viaConfig.stderr).toBe(0);
    expect(viaConfig.stdout.split('\n')[0]).toBe('manager1');
    const explicit = await lab.ssh(`ops@${m.address}`, 'hostname', { sshArgs: ['-J', 'bastion'] });
    expect(explicit.stdout.trim()).toBe('manager1');
  });

  it('reaches the password host through the bastion with its password', async () => {
    const w = hosts.find((h) => h.auth === 'password') as LabHost;
    expect(w.name).toBe('worker1');
    const r = await lab.ssh(w, 'id -un');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('ops');
  });

  it('gives private hosts no way out through the workstation, and the bastion no Docker', async () => {
    const tcp = async (to: string): Promise<number | null> =>
      (await lab.exec('manager1', ['timeout', '3', 'bash', '-c', `</dev/tcp/${to}/22`])).code;
    const bastion = lab.host('bastion');
    expect(await tcp(bastion.addresses.private ?? '')).toBe(0);
    expect(await tcp(bastion.addresses.main ?? '')).not.toBe(0);
    const docker = await lab.exec('bastion', ['systemctl', 'is-active', 'docker']);
    expect(docker.stdout.trim()).not.toBe('active');
  });

  it('down() leaves nothing behind', async () => {
    await lab.down();
    if (listLabs().length === 0) expect(await leftovers()).toEqual([]);
  });
});
