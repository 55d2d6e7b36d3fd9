// Faults a test can inject: power (stop, kill, pause), network (disconnect, partition) and
// SSH (new host key, sshd gone). Network faults are iptables rules inside the host's own
// network namespace, entered from the workstation with nsenter: that works on a paused host
// and does not depend on how the outer bridge is filtered. They are kept in the lab state and
// re-applied when a host starts again, since a partition is in the network, not the host.
import { LabError, run } from './exec.js';
import { docker, dockerMust } from './outer-docker.js';
import { containerPid, containerState, hostExec, hostExecMust, readHostKey, waitHostReady } from './hosts.js';
import type { LabHost, LabState } from './types.js';

/** Chain name in the host's raw (incoming) and mangle (outgoing) tables. */
const CHAIN = 'LAB-FAULT';
const HOOKS: [table: string, hook: string][] = [
  ['raw', 'PREROUTING'],
  ['mangle', 'POSTROUTING'],
];

export interface FaultContext {
  state: LabState;
  save(): void;
}

function addressesOf(h: LabHost): string[] {
  return [h.addresses.main, h.addresses.private].filter((a): a is string => a !== undefined);
}

async function nsIptables(pid: number, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const r = await run('nsenter', ['-t', String(pid), '-n', 'iptables', '-w', '5', ...args], { timeoutMs: 20_000 });
  return { code: r.code, stderr: r.stderr };
}

async function nsIptablesMust(pid: number, args: string[]): Promise<void> {
  const r = await nsIptables(pid, args);
  if (r.code !== 0) throw new LabError(`iptables ${args.join(' ')} in pid ${pid}'s namespace: ${r.stderr.trim()}`);
}

/** The host's interfaces on the lab networks (eth0, eth1...), found by their addresses. */
async function labInterfaces(pid: number, h: LabHost): Promise<string[]> {
  const r = await run('nsenter', ['-t', String(pid), '-n', 'ip', '-o', '-4', 'addr', 'show'], { timeoutMs: 10_000 });
  const mine = new Set(addressesOf(h));
  return r.stdout
    .split('\n')
    .map((l) => /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && mine.has(m[2] ?? ''))
    .map((m) => m[1] ?? '');
}

/** Rewrites the host's fault rules from the lab state (idempotent; no-op if not running). */
export async function applyNetworkFaults(ctx: FaultContext, h: LabHost): Promise<void> {
  const st = await containerState(h.container);
  if (st !== 'running' && st !== 'paused') return;
  const pid = await containerPid(h.container);
  const incoming: string[][] = [];
  const outgoing: string[][] = [];
  if (ctx.state.faults.disconnected.includes(h.name)) {
    // A pulled cable: nothing in or out on the lab interfaces; the host's own bridges live on.
    for (const ifc of await labInterfaces(pid, h)) {
      incoming.push(['-i', ifc, '-j', 'DROP']);
      outgoing.push(['-o', ifc, '-j', 'DROP']);
    }
  }
  for (const [a, b] of ctx.state.faults.partitions) {
    const other = a.includes(h.name) ? b : b.includes(h.name) ? a : [];
    for (const name of other) {
      for (const ip of addressesOf(hostByName(ctx.state, name))) {
        incoming.push(['-s', ip, '-j', 'DROP']);
        outgoing.push(['-d', ip, '-j', 'DROP']);
      }
    }
  }
  for (const [table, hook] of HOOKS) {
    if ((await nsIptables(pid, ['-t', table, '-n', '-L', CHAIN])).code !== 0) await nsIptablesMust(pid, ['-t', table, '-N', CHAIN]);
    await nsIptablesMust(pid, ['-t', table, '-F', CHAIN]);
    if ((await nsIptables(pid, ['-t', table, '-C', hook, '-j', CHAIN])).code !== 0) {
      await nsIptablesMust(pid, ['-t', table, '-I', hook, '1', '-j', CHAIN]);
    }
    for (const rule of table === 'raw' ? incoming : outgoing) await nsIptablesMust(pid, ['-t', table, '-A', CHAIN, ...rule]);
  }
}

export function hostByName(state: LabState, name: string): LabHost {
  const h = state.hosts.find((x) => x.name === name);
  if (!h) throw new LabError(`no host ${name} in lab ${state.id} (hosts: ${state.hosts.map((x) => x.name).join(', ')})`);
  return h;
}

/** Clean shutdown, as `poweroff` would (systemd stops dockerd, sshd...). */
export async function stop(h: LabHost): Promise<void> {
  await dockerMust(['stop', '--time', '30', h.container], { timeoutMs: 60_000 });
}

/** Power cut: SIGKILL to the host's init, and with it every process on the host. */
export async function kill(h: LabHost): Promise<void> {
  await dockerMust(['kill', '--signal', 'KILL', h.container], { timeoutMs: 30_000 });
}

/** Boots a stopped or killed host and waits until it is ready, with its network faults. */
export async function start(ctx: FaultContext, h: LabHost): Promise<void> {
  await dockerMust(['start', h.container], { timeoutMs: 60_000 });
  await applyNetworkFaults(ctx, h);
  const cutOff = ctx.state.faults.disconnected.includes(h.name);
  await waitHostReady(h, { probeSsh: h.via === undefined && !cutOff });
}

/** Freezes every process of the host (a hung machine: connections stay open, nothing answers). */
export async function pause(h: LabHost): Promise<void> {
  await dockerMust(['pause', h.container]);
}

export async function unpause(h: LabHost): Promise<void> {
  await dockerMust(['unpause', h.container]);
}

export async function disconnect(ctx: FaultContext, h: LabHost): Promise<void> {
  if (!ctx.state.faults.disconnected.includes(h.name)) ctx.state.faults.disconnected.push(h.name);
  ctx.save();
  await applyNetworkFaults(ctx, h);
}

export async function reconnect(ctx: FaultContext, h: LabHost): Promise<void> {
  ctx.state.faults.disconnected = ctx.state.faults.disconnected.filter((n) => n !== h.name);
  ctx.save();
  await applyNetworkFaults(ctx, h);
}

/** Hosts in `a` and hosts in `b` stop hearing each other; each side still talks within itself. */
export async function partition(ctx: FaultContext, a: LabHost[], b: LabHost[]): Promise<void> {
  const an = a.map((h) => h.name);
  const bn = b.map((h) => h.name);
  const both = an.filter((n) => bn.includes(n));
  if (both.length > 0) throw new LabError(`a host cannot be on both sides of a partition: ${both.join(', ')}`);
  ctx.state.faults.partitions.push([an, bn]);
  ctx.save();
  for (const h of [...a, ...b]) await applyNetworkFaults(ctx, h);
}

/** Ends every partition (disconnected hosts stay disconnected: see reconnect). */
export async function heal(ctx: FaultContext): Promise<void> {
  ctx.state.faults.partitions = [];
  ctx.save();
  for (const h of ctx.state.hosts) await applyNetworkFaults(ctx, h);
}

/**
 * A new host key, as after a reinstall or with a machine in the middle. The lab's
 * known_hosts keeps the old key, so a strict client now refuses the host.
 */
export async function rotateHostKey(ctx: FaultContext, h: LabHost): Promise<{ previous: string; fingerprint: string }> {
  const previous = h.fingerprint;
  await hostExecMust(h.container, [
    'sh',
    '-c',
    'rm -f /etc/ssh/ssh_host_* && ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key && systemctl restart ssh',
  ]);
  const key = await readHostKey(h.container, `${ctx.state.dir}/scratch`);
  h.hostKey = key.hostKey;
  h.fingerprint = key.fingerprint;
  ctx.save();
  return { previous, fingerprint: key.fingerprint };
}

/** sshd gone (listener and sessions), docker untouched: the app sees "connection refused". */
export async function killSshd(h: LabHost): Promise<void> {
  // Debian's ssh.service restarts on failure and keeps sessions on stop (KillMode=process):
  // stop the unit, then end the sessions it left.
  await hostExecMust(h.container, ['systemctl', 'stop', 'ssh.service']);
  await hostExec(h.container, ['pkill', '-KILL', '-x', 'sshd']);
}

export async function restartSshd(h: LabHost): Promise<void> {
  await hostExecMust(h.container, ['systemctl', 'start', 'ssh.service']);
}

export async function isRunning(h: LabHost): Promise<boolean> {
  return (await docker(['inspect', '-f', '{{.State.Running}}', h.container])).stdout.trim() === 'true';
}
