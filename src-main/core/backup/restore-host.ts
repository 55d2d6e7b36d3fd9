import type { RestoreCheck } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { HostRecords } from '../store/host-records.js';
import { readShellFacts } from '../swarm/host-facts.js';
import type { PlanHostHandle, PlanHosts } from '../swarm/plan-hosts.js';
import { dockerMessage, type EngineInfo } from '../swarm/swarm-api.js';
import { withTimeout } from '../util/with-timeout.js';

/** What the restore does on a host's shell and Docker API, each through the host's own SSH link. */

const POLL_MS = 1000;
const PROBE_MS = 15_000;

/** Why a step failed, in the step's own words; the run wraps it as RESTORE_FAILED. */
export class StepFailure extends Error {}

export type HostEngine = EngineInfo & { Containers?: number; DockerRootDir?: string };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function failureDetail(err: unknown): string {
  return err instanceof StepFailure || err instanceof CoreError ? err.message : dockerMessage(err);
}

export function readEngine(handle: PlanHostHandle): Promise<HostEngine> {
  return handle.docker.request('read', (d) => d.info() as Promise<HostEngine>);
}

export function dockerRoot(info: HostEngine): string {
  return info.DockerRootDir || '/var/lib/docker';
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}

/** A command under `sudo -n` that must succeed. */
export async function sudoMust(
  handle: PlanHostHandle,
  argv: readonly string[],
  timeoutMs: number,
  stdin?: Buffer | string,
): Promise<string> {
  const r = await handle.exec(argv, { sudo: true, timeoutMs, ...(stdin !== undefined ? { stdin } : {}) });
  if (r.code !== 0) throw new StepFailure(lastLine(r.stderr) || lastLine(r.stdout) || `exit ${r.code ?? r.signal ?? '?'}`);
  return r.stdout;
}

/** The host's engine as the check shows it: which swarm, as what, what the restore would destroy. */
export async function readHostNow(handle: PlanHostHandle): Promise<{ current: RestoreCheck['current']; root: string }> {
  const info = await readEngine(handle);
  const swarm = info.Swarm;
  const state = swarm?.LocalNodeState ?? 'inactive';
  const joined = state !== 'inactive' && state !== '';
  const root = dockerRoot(info);
  const du = await handle.exec(['du', '-sb', `${root}/swarm`], { sudo: true, timeoutMs: 60_000 }).catch(() => null);
  const bytes = du?.code === 0 ? Number(du.stdout.trim().split(/\s+/)[0]) : Number.NaN;
  return {
    root,
    current: {
      swarmId: swarm?.Cluster?.ID || null,
      nodeId: swarm?.NodeID || null,
      role: !joined ? null : swarm?.ControlAvailable ? 'manager' : state === 'locked' ? null : 'worker',
      containers: info.Containers ?? 0,
      swarmDirBytes: Number.isFinite(bytes) ? bytes : null,
    },
  };
}

/**
 * Hosts that can join as re-added managers: reachable with Docker answering, and either in no swarm
 * or in the backup's own (old) swarm, which they leave first. A locked engine does not say which
 * swarm it is in, so it is left out.
 */
export async function managerCandidates(records: HostRecords, planHosts: PlanHosts, target: string, swarmId: string): Promise<string[]> {
  const aliases = records
    .list()
    .map((r) => r.alias)
    .filter((a) => a !== target);
  const fits = await Promise.all(
    aliases.map(async (alias) => {
      const info = await withTimeout(readEngine(planHosts.get(alias)), PROBE_MS).catch(() => null);
      const state = info?.Swarm?.LocalNodeState ?? '';
      if (!info || state === 'locked') return false;
      return state === 'inactive' || info.Swarm?.Cluster?.ID === swarmId;
    }),
  );
  return aliases.filter((_, i) => fits[i]);
}

/** The address other nodes reach the host at: the one the app's SSH link came in by. */
export async function advertiseAddress(handle: PlanHostHandle): Promise<string> {
  return handle.reachedAt ?? (await readShellFacts(handle)).reachedAt;
}

/** What a probe of `waitFor` returns while the awaited state is not there yet. */
export class NotYet {
  constructor(readonly reason: string) {}
}

/** Polls `probe` until it returns a value (not NotYet), or fails with the last reason it gave. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | NotYet>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await probe().catch((err: unknown) => new NotYet(failureDetail(err)));
    if (!(outcome instanceof NotYet)) return outcome;
    if (Date.now() > deadline) {
      throw new StepFailure(
        `${what} did not happen within ${Math.round(timeoutMs / 1000)} s${outcome.reason ? ` (${outcome.reason})` : ''}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** Until Docker answers on its socket (after a start) in a state `settled` accepts. */
export function waitDocker(handle: PlanHostHandle, timeoutMs: number, settled: (info: HostEngine) => boolean): Promise<HostEngine> {
  return waitFor('Docker answering', timeoutMs, async () => {
    const info = await withTimeout(readEngine(handle), PROBE_MS);
    if (settled(info)) return info;
    const error = info.Swarm?.Error ? `: ${info.Swarm.Error}` : '';
    return new NotYet(`its swarm state is "${info.Swarm?.LocalNodeState || 'unknown'}"${error}`);
  });
}
