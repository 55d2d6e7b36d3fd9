import type { ClusterLink } from '../docker/cluster-link.js';
import { CoreError } from '../errors.js';
import { quoteArgv } from '../ssh/argv.js';
import type { PlanHostHandle } from '../swarm/plan-hosts.js';
import { dockerMessage, swarmApi, type SwarmNode } from '../swarm/swarm-api.js';

/** What the backup does on the manager it stops, each through the host's own SSH link. */

export interface RemoteTimeouts {
  /** systemctl stop/start. */
  serviceMs: number;
  /** The whole tar stream. */
  archiveMs: number;
  /** Docker answering on its socket again after the start. */
  dockerBackMs: number;
  /** The swarm seeing the node Ready and Reachable again. */
  reachableMs: number;
}

export const DEFAULT_REMOTE_TIMEOUTS: RemoteTimeouts = {
  serviceMs: 120_000,
  archiveMs: 15 * 60_000,
  dockerBackMs: 180_000,
  reachableMs: 180_000,
};

const POLL_MS = 1000;
/** The swarm folder under Docker's root (`/var/lib/docker` unless daemon.json moved it), gzipped to stdout. */
export function swarmTar(dockerRoot: string): string[] {
  return ['tar', '-C', dockerRoot, '-czf', '-', 'swarm'];
}

/**
 * Docker and, where it exists, its socket unit: a socket left listening would start Docker again at
 * the first connection (the app's own, or a monitoring agent's) in the middle of the archive.
 */
export async function dockerUnits(handle: PlanHostHandle): Promise<string[]> {
  const socket = await handle.exec(['systemctl', 'cat', 'docker.socket'], { timeoutMs: 30_000 }).catch(() => null);
  return socket?.code === 0 ? ['docker.socket', 'docker'] : ['docker'];
}

/** Why a remote step failed, in the step's own words; the caller wraps it as BACKUP_FAILED. */
export class StepFailure extends Error {}

/** A command under `sudo -n` that must succeed; a sudo that wants a password says so (SUDO_PASSWORD_REQUIRED). */
export async function sudoMust(handle: PlanHostHandle, argv: readonly string[], timeoutMs: number): Promise<void> {
  const r = await handle.exec(argv, { sudo: true, timeoutMs });
  if (r.code !== 0) throw new StepFailure(lastLine(r.stderr) || lastLine(r.stdout) || `exit ${r.code ?? r.signal ?? '?'}`);
}

/**
 * Streams `sudo tar -czf - swarm` from the host, handing each chunk on as it arrives: the archive
 * is never held whole on either side. `onChunk` may write to disk; the channel waits for it.
 */
export async function streamSwarmTar(
  handle: PlanHostHandle,
  dockerRoot: string,
  onChunk: (chunk: Buffer) => Promise<void>,
  timeoutMs: number,
): Promise<void> {
  const { client } = await handle.link.attemptNow();
  const command = quoteArgv(['sudo', '-n', '--', ...swarmTar(dockerRoot)]);
  await new Promise<void>((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) return reject(new StepFailure(`could not start tar: ${err.message}`));
      const stderr: Buffer[] = [];
      let code: number | null = null;
      let signal: string | null = null;
      let exited = false;
      let failure: unknown;
      let writing = Promise.resolve();
      const timer = setTimeout(() => {
        failure = new StepFailure(`the archive did not complete within ${Math.round(timeoutMs / 1000)} s`);
        channel.close();
      }, timeoutMs);
      channel.on('data', (chunk: Buffer) => {
        // One chunk on disk before the next is read: SSH flow control holds tar meanwhile.
        channel.pause();
        writing = writing.then(async () => {
          if (failure) return;
          try {
            await onChunk(chunk);
            channel.resume();
          } catch (e) {
            failure = e;
            channel.close();
          }
        });
      });
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
        exited = true;
        code = exitCode;
        signal = exitSignal ?? null;
      });
      channel.on('close', () => {
        clearTimeout(timer);
        void writing.then(() => {
          if (failure) return reject(failure);
          const text = Buffer.concat(stderr).toString('utf8');
          if (!exited) return reject(new StepFailure('the SSH connection closed before tar reported how it ended'));
          if (code !== 0 && /sudo: (a password is required|a terminal is required)/.test(text)) {
            return reject(new StepFailure('sudo on this host asks for a password; Swarmdeck needs passwordless sudo (sudo -n)'));
          }
          if (code !== 0) return reject(new StepFailure(lastLine(text) || `tar ended with ${code ?? signal ?? '?'}`));
          resolve();
        });
      });
      channel.end();
    });
  });
}

/** Docker's local state once its socket answers again (`locked` for an autolocked manager). */
export async function waitDockerBack(handle: PlanHostHandle, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const info = await handle.docker.request('read', (d) => swarmApi.info(d));
      const state = info.Swarm?.LocalNodeState ?? '';
      // `pending`: the node is still rejoining; it settles in a moment.
      if (state && state !== 'pending') return state;
      last = `its swarm state is "${state || 'unknown'}"`;
    } catch (err) {
      last = err instanceof CoreError ? err.message : dockerMessage(err);
    }
    if (Date.now() > deadline) throw new StepFailure(`Docker did not answer within ${Math.round(timeoutMs / 1000)} s (${last})`);
    await sleep(POLL_MS);
  }
}

/** The key goes in the request body to the host's own socket, never on a command line. */
export async function unlockNode(handle: PlanHostHandle, unlockKey: string): Promise<void> {
  try {
    await handle.docker.request('write', (d) => swarmApi.unlock(d, unlockKey));
  } catch (err) {
    const detail = err instanceof CoreError ? err.message : dockerMessage(err);
    throw new StepFailure(`Docker refused the unlock key: ${detail}`);
  }
}

/** Until the swarm (through any manager) sees the node Ready and Reachable. */
export async function waitReachable(link: ClusterLink, nodeId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const nodes: SwarmNode[] = await link.request('read', (d) => swarmApi.nodes(d));
      const node = nodes.find((n) => n.ID === nodeId);
      if (node?.Status?.State === 'ready' && node.ManagerStatus?.Reachability === 'reachable') return;
      last = node ? `${node.Status?.State ?? '?'}, ${node.ManagerStatus?.Reachability ?? 'not a manager'}` : 'not listed';
    } catch (err) {
      last = err instanceof CoreError ? err.message : dockerMessage(err);
    }
    if (Date.now() > deadline) {
      throw new StepFailure(`the swarm does not see it Ready and Reachable after ${Math.round(timeoutMs / 1000)} s (${last})`);
    }
    await sleep(POLL_MS);
  }
}

function lastLine(text: string): string {
  return (text.trim().split('\n').at(-1) ?? '').slice(0, 300);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
