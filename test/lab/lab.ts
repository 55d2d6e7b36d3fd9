// A lab: N Debian servers (systemd, sshd, dockerd) on one machine, brought up and taken
// down as a unit. This class only composes the modules that do each job.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LabError } from './exec.js';
import type { RunResult } from './exec.js';
import { downLab, removeOrphans } from './cleanup.js';
import * as faults from './faults.js';
import { createHosts, hostExec, LAB_USER, planHosts, readHostKey, waitHostReady } from './hosts.js';
import { ensureHostImage } from './image.js';
import { hostMemory } from './metrics.js';
import type { HostMemory } from './metrics.js';
import { createNetworks } from './network.js';
import { ensureOuterDocker } from './outer-docker.js';
import { LAB_SOURCE_DIR } from './paths.js';
import { labSupport } from './prereq.js';
import { freeSlot, isStale, labDir, labIds, listLabs, readLab, saveLab, withLock } from './state.js';
import { makeUserKey, ssh, sshCommand, trustHostKey, writeAskpass, writeKnownHosts, writeSshConfig } from './ssh.js';
import type { SshOptions } from './ssh.js';
import * as swarm from './swarm.js';
import type { LabHost, LabState, UpOptions } from './types.js';

type HostRef = LabHost | string;
let counter = 0;

export interface UpTimings {
  /** Outer daemon start + lock (seconds). */
  daemon: number;
  image: number;
  imageSource: string;
  create: number;
  boot: number;
  total: number;
}

export class Lab {
  private st: LabState | undefined;
  lastUpTimings: UpTimings | undefined;

  /** The state of the running lab (throws if none). */
  get state(): LabState {
    if (!this.st) throw new LabError('the lab is not up (call lab.up() first)');
    return this.st;
  }

  get isUp(): boolean {
    return this.st !== undefined;
  }

  get hosts(): LabHost[] {
    return this.state.hosts;
  }

  host(ref: HostRef): LabHost {
    return faults.hostByName(this.state, typeof ref === 'string' ? ref : ref.name);
  }

  get managers(): LabHost[] {
    return this.hosts.filter((h) => h.role === 'manager');
  }

  get workers(): LabHost[] {
    return this.hosts.filter((h) => h.role === 'worker');
  }

  /** Attaches to a lab already up (e.g. started by the CLI in another process). */
  static attach(id: string): Lab {
    const st = readLab(id);
    if (!st) throw new LabError(`no lab ${id} is up`);
    const l = new Lab();
    l.st = st;
    return l;
  }

  /**
   * Starts hosts (not a swarm: the app makes the swarm) and returns them once each has
   * booted with sshd and dockerd running. On any failure, what was started is taken down.
   */
  async up(opts: UpOptions = {}): Promise<LabHost[]> {
    if (this.st) throw new LabError(`lab ${this.st.id} is already up; down() it first`);
    const support = labSupport();
    if (!support.ok) throw new LabError(`lab cannot run here: ${support.reason}`);
    const t0 = Date.now();
    const since = (t: number): number => (Date.now() - t) / 1000;
    const id = opts.id ?? `t${process.pid}-${++counter}`;
    if (!/^[a-z0-9][a-z0-9-]{0,30}$/.test(id)) throw new LabError(`lab id must be [a-z0-9-], got ${id}`);
    planHosts(0, opts); // bad counts or names fail here, before anything starts

    // Labs whose test process died without down(): reclaim their slots and resources.
    for (const s of listLabs().filter(isStale)) await downLab(s.id);

    const dir = labDir(id);
    const st = await withLock(async () => {
      if (labIds().includes(id)) throw new LabError(`lab ${id} is already up (npm run lab -- down${id === 'cli' ? '' : ` --id ${id}`})`);
      await ensureOuterDocker();
      await removeOrphans();
      const state: LabState = {
        id,
        slot: freeSlot(),
        ownerPid: process.pid,
        persistent: opts.persistent ?? false,
        createdAt: new Date().toISOString(),
        dir,
        image: '',
        bastion: opts.bastion ?? false,
        keyPath: path.join(dir, 'id_ed25519'),
        sshConfig: path.join(dir, 'ssh_config'),
        knownHosts: path.join(dir, 'known_hosts'),
        askpass: path.join(dir, 'askpass'),
        hosts: [],
        faults: { disconnected: [], partitions: [] },
      };
      // Saved before anything else exists, so that down() finds the slot whatever fails next.
      saveLab(state);
      return state;
    });
    this.st = st;
    const tDaemon = since(t0);
    try {
      if (!opts.persistent) this.startReaper();
      const t1 = Date.now();
      const image = await ensureHostImage();
      st.image = image.ref;
      const tImage = since(t1);

      const t2 = Date.now();
      const { publicKey } = await makeUserKey(dir);
      writeAskpass(st.askpass);
      const password = randomPassword();
      await createNetworks(st.slot, id, st.bastion);
      const plans = planHosts(st.slot, opts);
      await createHosts(st, plans, image.ref, publicKey, password);
      const tCreate = since(t2);

      const t3 = Date.now();
      // allSettled: no host is still being polled in the background once up() has failed.
      const booted = await Promise.allSettled(
        plans.map(async (p): Promise<LabHost> => {
          const h: LabHost = {
            name: p.name,
            role: p.role,
            address: p.main ?? p.private ?? '',
            port: 22,
            user: LAB_USER,
            keyPath: st.keyPath,
            auth: p.auth,
            fingerprint: '',
            hostKey: '',
            addresses: { main: p.main, private: p.private },
            container: p.container,
          };
          if (p.auth === 'password') h.password = password;
          if (p.main === undefined) h.via = 'bastion';
          await waitHostReady(h);
          Object.assign(h, await readHostKey(p.container, path.join(dir, 'scratch')));
          return h;
        }),
      );
      const failed = booted.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      st.hosts = booted.map((r) => (r as PromiseFulfilledResult<LabHost>).value);
      writeKnownHosts(st);
      writeSshConfig(st);
      saveLab(st);
      this.lastUpTimings = {
        daemon: tDaemon,
        image: tImage,
        imageSource: image.source,
        create: tCreate,
        boot: since(t3),
        total: since(t0),
      };
      return st.hosts;
    } catch (err) {
      if (process.env.SWARMDECK_LAB_KEEP_FAILED !== '1') await this.down();
      throw err;
    }
  }

  /** Takes the lab down; idempotent, and safe after a failed up(). */
  async down(): Promise<void> {
    const id = this.st?.id;
    this.st = undefined;
    if (id !== undefined) await downLab(id);
  }

  private startReaper(): void {
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const logDir = this.state.dir;
    mkdirSync(logDir, { recursive: true });
    const log = openSync(path.join(logDir, 'reaper.log'), 'a');
    try {
      const child = spawn(
        process.execPath,
        ['--import', loader, path.join(LAB_SOURCE_DIR, 'reaper.ts'), this.state.id, String(process.pid)],
        {
          detached: true,
          stdio: ['ignore', log, log],
          cwd: path.resolve(LAB_SOURCE_DIR, '../..'),
        },
      );
      child.unref();
      this.state.reaperPid = child.pid;
      saveLab(this.state);
    } finally {
      closeSync(log);
    }
  }

  private ctx(): faults.FaultContext {
    const st = this.state;
    return { state: st, save: () => saveLab(st) };
  }

  // --- SSH from the workstation, with the lab's own key, known_hosts and ssh_config.

  /** Runs a command on a host over SSH as ops (OpenSSH client; ProxyJump behind a bastion). */
  ssh(host: HostRef, command: string, opts?: SshOptions): Promise<RunResult> {
    return ssh(this.state, typeof host === 'string' ? host : host.name, command, opts);
  }

  /** The ssh command a person would run for this host. */
  sshCommand(host: HostRef): string[] {
    return sshCommand(this.state, this.host(host));
  }

  /** Root shell on a host through the container runtime (not SSH): the lab's back door. */
  exec(host: HostRef, cmd: readonly string[], timeoutMs?: number): Promise<RunResult> {
    return hostExec(this.host(host).container, cmd, timeoutMs);
  }

  // --- Faults.

  stop(host: HostRef): Promise<void> {
    return faults.stop(this.host(host));
  }

  start(host: HostRef): Promise<void> {
    return faults.start(this.ctx(), this.host(host));
  }

  kill(host: HostRef): Promise<void> {
    return faults.kill(this.host(host));
  }

  pause(host: HostRef): Promise<void> {
    return faults.pause(this.host(host));
  }

  unpause(host: HostRef): Promise<void> {
    return faults.unpause(this.host(host));
  }

  disconnect(host: HostRef): Promise<void> {
    return faults.disconnect(this.ctx(), this.host(host));
  }

  reconnect(host: HostRef): Promise<void> {
    return faults.reconnect(this.ctx(), this.host(host));
  }

  partition(a: HostRef[], b: HostRef[]): Promise<void> {
    return faults.partition(
      this.ctx(),
      a.map((h) => this.host(h)),
      b.map((h) => this.host(h)),
    );
  }

  heal(): Promise<void> {
    return faults.heal(this.ctx());
  }

  rotateHostKey(host: HostRef): Promise<{ previous: string; fingerprint: string }> {
    return faults.rotateHostKey(this.ctx(), this.host(host));
  }

  /** Puts the host's current key in the lab's known_hosts (after rotateHostKey, on purpose). */
  trustHostKey(host: HostRef): void {
    trustHostKey(this.state, this.host(host));
  }

  killSshd(host: HostRef): Promise<void> {
    return faults.killSshd(this.host(host));
  }

  restartSshd(host: HostRef): Promise<void> {
    return faults.restartSshd(this.host(host));
  }

  memory(): Promise<HostMemory[]> {
    return Promise.all(this.hosts.map((h) => hostMemory(h)));
  }

  /** Swarm helpers through the hosts' own Docker CLI, for day-two tests. */
  readonly swarm = {
    init: (manager: HostRef = this.managers[0]?.name ?? '', extraArgs: readonly string[] = []): Promise<swarm.SwarmTokens> =>
      swarm.init(this.host(manager), extraArgs),
    join: (host: HostRef, via: HostRef = this.managers[0]?.name ?? '', as?: 'manager' | 'worker'): Promise<void> =>
      swarm.join(this.host(host), this.host(via), as),
    /** init + join every manager and worker of the lab; resolves with the Ready node list. */
    form: (hosts: HostRef[] = [...this.managers, ...this.workers]): Promise<swarm.SwarmNode[]> =>
      swarm.form(hosts.map((h) => this.host(h))),
    nodes: (via: HostRef = this.managers[0]?.name ?? ''): Promise<swarm.SwarmNode[]> => swarm.nodes(this.host(via)),
    leader: (via: HostRef = this.managers[0]?.name ?? ''): Promise<string | undefined> => swarm.leader(this.host(via)),
    waitReady: (via: HostRef, count: number, timeoutMs?: number): Promise<swarm.SwarmNode[]> =>
      swarm.waitReady(this.host(via), count, timeoutMs),
    tokens: (via: HostRef = this.managers[0]?.name ?? ''): Promise<swarm.SwarmTokens> => swarm.tokens(this.host(via)),
    leave: (host: HostRef, force?: boolean): Promise<void> => swarm.leave(this.host(host), force),
    /** The host's own docker CLI (as root); resolves whatever the exit status. */
    docker: (host: HostRef, args: readonly string[], timeoutMs?: number): Promise<RunResult> =>
      swarm.dockerOn(this.host(host), args, timeoutMs),
  };
}

function randomPassword(): string {
  // Hex only: it passes through a shell-sourced env file and ssh's askpass unchanged.
  return randomBytes(8).toString('hex');
}
