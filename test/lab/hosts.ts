// Lab hosts: containers of the outer daemon, each a small Debian server (systemd as PID 1,
// sshd, dockerd) with its own hostname, address, host key and /var/lib/docker volume.
import { connect } from 'node:net';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GiveUp, LabError, must, waitFor } from './exec.js';
import type { RunResult } from './exec.js';
import { docker, dockerMust } from './outer-docker.js';
import { networkNames } from './network.js';
import { INNER_CGROUP_PARENT, LABEL, netPlan } from './paths.js';
import type { LabHost, LabState, Role, UpOptions } from './types.js';

const BOOT_TIMEOUT_MS = 180_000;
export const LAB_USER = 'ops';

/**
 * What lets systemd and a nested dockerd run without --privileged, which this machine
 * refuses (its capability bounding set lacks CAP_SYS_RESOURCE). See shared lab-notes.
 */
const HOST_RUN_FLAGS = [
  '--cap-add',
  'ALL',
  '--cap-drop',
  'SYS_RESOURCE',
  '--security-opt',
  'seccomp=unconfined',
  '--security-opt',
  'apparmor=unconfined',
  '--security-opt',
  'systempaths=unconfined',
  '--device-cgroup-rule',
  'a *:* rwm',
  '--tmpfs',
  '/run',
  '--tmpfs',
  '/run/lock',
  '-e',
  'container=docker',
  // systemd's own "halt" signal: `docker stop` is a clean shutdown of the server.
  '--stop-signal',
  'SIGRTMIN+3',
  '--stop-timeout',
  '30',
  // Names of lab hosts resolve through Docker's resolver; anything else fails at once
  // instead of waiting on a DNS server the lab has no route to.
  '--dns',
  '127.0.0.1',
];

/**
 * Writable cgroup hierarchies, or the host's dockerd cannot start containers ("mkdir
 * /sys/fs/cgroup/cpuset/docker: read-only file system"). On cgroup v1 each hierarchy is
 * bound on its own over a private tmpfs: binding the workstation's /sys/fs/cgroup tmpfs
 * whole lets the host's systemd remount it read-only and add folders to it, on the
 * workstation. (Pure cgroup v2: the one mount is bound; not exercised on this machine.)
 */
export function cgroupMountFlags(): string[] {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2');
  if (mounts.some((f) => f[1] === '/sys/fs/cgroup')) {
    return ['--cgroupns', 'host', '-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw'];
  }
  const binds = mounts
    .map((f) => f[1] ?? '')
    .filter((m) => m.startsWith('/sys/fs/cgroup/'))
    .flatMap((m) => ['-v', `${m}:${m}:rw`]);
  return ['--tmpfs', '/sys/fs/cgroup:rw,mode=755', ...binds];
}

export interface HostPlan {
  name: string;
  role: Role;
  container: string;
  main?: string;
  private?: string;
  auth: 'key' | 'password';
}

export function containerName(slot: number, host: string): string {
  return `sdlab${slot}-${host}`;
}

/** Names and addresses: managers .11+, workers .51+, bastion .10 (on both networks). */
export function planHosts(slot: number, opts: UpOptions): HostPlan[] {
  const managers = opts.managers ?? 1;
  const workers = opts.workers ?? 0;
  if (!Number.isInteger(managers) || managers < 1 || managers > 39) throw new LabError(`managers must be 1..39, got ${managers}`);
  if (!Number.isInteger(workers) || workers < 0 || workers > 49) throw new LabError(`workers must be 0..49, got ${workers}`);
  const plan = netPlan(slot);
  const hosts: HostPlan[] = [];
  const add = (name: string, role: Role, octet: number): void => {
    const behind = opts.bastion === true && role !== 'bastion';
    hosts.push({
      name,
      role,
      container: containerName(slot, name),
      main: behind ? undefined : `${plan.main.prefix}${octet}`,
      private: opts.bastion ? `${plan.private.prefix}${octet}` : undefined,
      auth: 'key',
    });
  };
  if (opts.bastion) add('bastion', 'bastion', 10);
  for (let i = 1; i <= managers; i++) add(`manager${i}`, 'manager', 10 + i);
  for (let i = 1; i <= workers; i++) add(`worker${i}`, 'worker', 50 + i);
  const pw = opts.passwordHost === undefined ? (workers > 0 ? `worker${workers}` : undefined) : opts.passwordHost || undefined;
  if (pw !== undefined) {
    const h = hosts.find((x) => x.name === pw);
    if (!h || h.role === 'bastion') throw new LabError(`passwordHost ${pw} is not a manager or worker of this lab`);
    h.auth = 'password';
  }
  return hosts;
}

/** Files copied into the host before its first boot; firstboot.sh in the image applies them. */
function writeHostConfig(dir: string, h: HostPlan, authorizedKey: string, password: string | undefined): void {
  mkdirSync(path.join(dir, 'etc/swarmdeck-lab'), { recursive: true, mode: 0o755 });
  mkdirSync(path.join(dir, 'etc/default'), { recursive: true, mode: 0o755 });
  const env = h.auth === 'password' ? `LAB_AUTH=password\nLAB_PASSWORD=${password ?? ''}\n` : 'LAB_AUTH=key\n';
  writeFileSync(path.join(dir, 'etc/swarmdeck-lab/host.env'), env, { mode: 0o600 });
  writeFileSync(path.join(dir, 'etc/swarmdeck-lab/authorized_keys'), authorizedKey, { mode: 0o644 });
  // Containers the host's dockerd starts get a cgroup parent of their own, so that the lab
  // can find (and remove) what a killed host leaves in the workstation's cgroup tree.
  writeFileSync(
    path.join(dir, 'etc/default/docker'),
    `# Written by the Swarmdeck lab.\nDOCKER_OPTS="--cgroup-parent=/${INNER_CGROUP_PARENT}/${h.container}"\n`,
  );
  if (h.role === 'bastion') {
    // A jump box runs no Docker: mask it as an admin would.
    const sys = path.join(dir, 'etc/systemd/system');
    mkdirSync(sys, { recursive: true, mode: 0o755 });
    for (const unit of ['docker.service', 'docker.socket', 'containerd.service', 'lab-preload.service']) {
      symlinkSync('/dev/null', path.join(sys, unit));
    }
  }
}

/** Creates and starts every host; returns once all are created (not yet booted). */
export async function createHosts(
  state: LabState,
  plans: HostPlan[],
  image: string,
  authorizedKey: string,
  password: string,
): Promise<void> {
  const nets = networkNames(state.slot);
  for (const h of plans) {
    const volume = `${h.container}-docker`;
    await dockerMust(['volume', 'create', '--label', `${LABEL}=${state.id}`, volume]);
    const first = h.main !== undefined ? ['--network', nets.main, '--ip', h.main] : ['--network', nets.private, '--ip', h.private ?? ''];
    await dockerMust([
      'create',
      '--name',
      h.container,
      '--hostname',
      h.name,
      '--label',
      `${LABEL}=${state.id}`,
      '--label',
      `${LABEL}.host=${h.name}`,
      ...HOST_RUN_FLAGS,
      ...cgroupMountFlags(),
      // Real swarm state on a real filesystem: overlay2 does not nest on overlay.
      '--mount',
      `type=volume,src=${volume},dst=/var/lib/docker`,
      ...first,
      '--network-alias',
      h.name,
      image,
    ]);
    if (h.main !== undefined && h.private !== undefined) {
      await dockerMust(['network', 'connect', '--ip', h.private, '--alias', h.name, nets.private, h.container]);
    }
    const dir = path.join(state.dir, 'hosts', h.name);
    writeHostConfig(dir, h, authorizedKey, h.auth === 'password' ? password : undefined);
    await dockerMust(['cp', `${dir}/.`, `${h.container}:/`]);
  }
  await Promise.all(plans.map((h) => dockerMust(['start', h.container], { timeoutMs: 60_000 })));
}

/** docker exec in a host as root (the lab's back door; tests use ssh for the app's view). */
export function hostExec(container: string, cmd: readonly string[], timeoutMs = 60_000): Promise<RunResult> {
  return docker(['exec', container, ...cmd], { timeoutMs });
}

export async function hostExecMust(container: string, cmd: readonly string[], timeoutMs = 60_000): Promise<string> {
  return dockerMust(['exec', container, ...cmd], { timeoutMs });
}

/** Waits for systemd to finish booting; a degraded boot fails with the failed units named. */
export async function waitBooted(container: string, timeoutMs = BOOT_TIMEOUT_MS): Promise<void> {
  let status: string;
  try {
    status = await waitFor(
      `${container} to finish booting`,
      async () => {
        const r = await hostExec(container, ['systemctl', 'is-system-running'], 15_000);
        if (r.code !== 0 && !r.stdout.trim()) {
          const state = await containerState(container);
          if (state !== 'running') {
            const logs = await docker(['logs', '--tail', '20', container]);
            throw new GiveUp(`${container} is ${state} while booting; its console:\n${(logs.stdout + logs.stderr).trim()}`);
          }
        }
        const s = r.stdout.trim();
        return s === 'running' || s === 'degraded' ? s : undefined;
      },
      { timeoutMs, intervalMs: 500 },
    );
  } catch (err) {
    if (err instanceof GiveUp) throw err;
    // Name what the boot is stuck on.
    const jobs = await hostExec(container, ['systemctl', 'list-jobs', '--no-legend', '--plain'], 10_000);
    throw new LabError(`${err instanceof Error ? err.message : String(err)}\npending jobs:\n${jobs.stdout.trim() || jobs.stderr.trim()}`);
  }
  if (status === 'degraded') {
    const failed = await hostExec(container, ['systemctl', '--failed', '--no-legend', '--plain']);
    throw new LabError(`${container} booted degraded; failed units:\n${failed.stdout.trim()}`);
  }
}

/** sshd answers with its banner on addr:22 (seen from the workstation). */
export function sshBanner(address: string, port = 22, timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port, timeout: timeoutMs });
    let buf = '';
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('SSH-2.0')) done(true);
    });
    sock.on('timeout', () => done(false));
    sock.on('error', () => done(false));
    sock.on('close', () => done(buf.includes('SSH-2.0')));
  });
}

/** The host's public host key line and its fingerprint as `ssh-keygen -lf` prints it. */
export async function readHostKey(container: string, scratchDir: string): Promise<{ hostKey: string; fingerprint: string }> {
  const pub = (await hostExecMust(container, ['cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).trim();
  const parts = pub.split(/\s+/);
  const hostKey = `${parts[0] ?? ''} ${parts[1] ?? ''}`;
  mkdirSync(scratchDir, { recursive: true, mode: 0o700 });
  const file = path.join(scratchDir, `${container}.pub`);
  writeFileSync(file, `${hostKey}\n`);
  const fp = /\b(SHA256:\S+)/.exec(await must('ssh-keygen', ['-lf', file]))?.[1];
  if (!fp) throw new LabError(`cannot read the host key fingerprint of ${container}`);
  return { hostKey, fingerprint: fp };
}

/** Booted, sshd and (unless bastion) dockerd active, sshd answering where the workstation can reach. */
export async function waitHostReady(
  h: LabHost,
  { probeSsh = h.via === undefined, timeoutMs = BOOT_TIMEOUT_MS }: { probeSsh?: boolean; timeoutMs?: number } = {},
): Promise<void> {
  await waitBooted(h.container, timeoutMs);
  const units = h.role === 'bastion' ? ['ssh'] : ['ssh', 'docker'];
  const r = await hostExec(h.container, ['systemctl', 'is-active', ...units]);
  if (r.code !== 0) throw new LabError(`${h.name}: units not active (${units.join(', ')}): ${r.stdout.trim()}`);
  if (probeSsh) {
    await waitFor(`sshd on ${h.name} (${h.address}:22) to answer`, () => sshBanner(h.address, h.port), { timeoutMs: 30_000 });
  }
}

export async function containerPid(container: string): Promise<number> {
  const pid = Number.parseInt(await dockerMust(['inspect', '-f', '{{.State.Pid}}', container]), 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new LabError(`${container} is not running`);
  return pid;
}

export async function containerState(container: string): Promise<string> {
  const r = await docker(['inspect', '-f', '{{.State.Status}}', container]);
  return r.code === 0 ? r.stdout.trim() : 'missing';
}
