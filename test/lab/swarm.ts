// A ready swarm for day-two tests, made with each host's own Docker CLI (docker exec into the
// host, as root), so tests of later features need not go through the setup wizard.
import { LabError, waitFor } from './exec.js';
import type { RunResult } from './exec.js';
import { hostExec } from './hosts.js';
import type { LabHost } from './types.js';

export interface SwarmTokens {
  manager: string;
  worker: string;
}

export interface SwarmNode {
  id: string;
  hostname: string;
  /** Ready, Down, Unknown... */
  status: string;
  availability: string;
  /** Leader, Reachable, Unreachable, or '' for a worker. */
  managerStatus: string;
  self: boolean;
}

const CALL_TIMEOUT_MS = 90_000;

/** The host's own `docker` CLI, run as root on the host. Resolves whatever the exit status. */
export function dockerOn(h: LabHost, args: readonly string[], timeoutMs = CALL_TIMEOUT_MS): Promise<RunResult> {
  if (h.role === 'bastion') throw new LabError('the bastion runs no Docker');
  return hostExec(h.container, ['docker', ...args], timeoutMs);
}

export async function dockerOnMust(h: LabHost, args: readonly string[], timeoutMs = CALL_TIMEOUT_MS): Promise<string> {
  const r = await dockerOn(h, args, timeoutMs);
  if (r.code !== 0) throw new LabError(`${h.name}: docker ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

export async function tokens(via: LabHost): Promise<SwarmTokens> {
  const manager = (await dockerOnMust(via, ['swarm', 'join-token', '-q', 'manager'])).trim();
  const worker = (await dockerOnMust(via, ['swarm', 'join-token', '-q', 'worker'])).trim();
  return { manager, worker };
}

/** `docker swarm init` on a manager, advertising its lab address. */
export async function init(manager: LabHost, extraArgs: readonly string[] = []): Promise<SwarmTokens> {
  await dockerOnMust(manager, [
    'swarm',
    'init',
    '--advertise-addr',
    manager.address,
    '--listen-addr',
    `${manager.address}:2377`,
    ...extraArgs,
  ]);
  return tokens(manager);
}

/** Joins `host` to the swarm that `via` manages, as manager or worker. */
export async function join(
  host: LabHost,
  via: LabHost,
  as: 'manager' | 'worker' = host.role === 'manager' ? 'manager' : 'worker',
): Promise<void> {
  const t = await tokens(via);
  await dockerOnMust(host, [
    'swarm',
    'join',
    '--token',
    as === 'manager' ? t.manager : t.worker,
    '--advertise-addr',
    host.address,
    '--listen-addr',
    `${host.address}:2377`,
    `${via.address}:2377`,
  ]);
}

export async function nodes(via: LabHost): Promise<SwarmNode[]> {
  const out = await dockerOnMust(via, ['node', 'ls', '--format', '{{json .}}'], 60_000);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const j = JSON.parse(line) as Record<string, string | boolean>;
      return {
        id: String(j.ID ?? ''),
        hostname: String(j.Hostname ?? ''),
        status: String(j.Status ?? ''),
        availability: String(j.Availability ?? ''),
        managerStatus: String(j.ManagerStatus ?? ''),
        self: j.Self === true || j.Self === 'true',
      };
    });
}

/** The leader's hostname as `via` sees it (undefined while there is none). */
export async function leader(via: LabHost): Promise<string | undefined> {
  return (await nodes(via)).find((n) => n.managerStatus === 'Leader')?.hostname;
}

/** Waits until `via` lists `count` nodes, all Ready, with one leader. */
export async function waitReady(via: LabHost, count: number, timeoutMs = 120_000): Promise<SwarmNode[]> {
  return waitFor(
    `${count} Ready nodes with a leader, as ${via.name} sees them`,
    async () => {
      const ns = await nodes(via);
      const ok = ns.length === count && ns.every((n) => n.status === 'Ready') && ns.some((n) => n.managerStatus === 'Leader');
      if (!ok) throw new LabError(ns.map((n) => `${n.hostname}=${n.status}/${n.managerStatus || 'worker'}`).join(' '));
      return ns;
    },
    { timeoutMs, intervalMs: 1000 },
  );
}

/**
 * One swarm of the given hosts: init on the first manager, managers joined one at a time
 * (each raft membership change settles first), then the workers together.
 */
export async function form(hosts: LabHost[]): Promise<SwarmNode[]> {
  const managers = hosts.filter((h) => h.role === 'manager');
  const workers = hosts.filter((h) => h.role === 'worker');
  const [first, ...others] = managers;
  if (!first) throw new LabError('a swarm needs at least one manager');
  await init(first);
  for (const m of others) await join(m, first, 'manager');
  await Promise.all(workers.map((w) => join(w, first, 'worker')));
  return waitReady(first, managers.length + workers.length);
}

export async function leave(h: LabHost, force = true): Promise<void> {
  await dockerOnMust(h, ['swarm', 'leave', ...(force ? ['--force'] : [])]);
}
