import type { HostFacts, SwarmLocalState, SwarmPlan } from '../../contract.js';
import type { PlanHostHandle } from './plan-hosts.js';
import { swarmApi, type EngineInfo } from './swarm-api.js';

/** What one shell round trip tells about a host, besides what Docker's API says. */
export interface ShellFacts {
  hostname: string;
  /** The host's own address on the connection the app came in by (SSH_CONNECTION's third field). */
  reachedAt: string;
  interfaces: { name: string; address: string; prefix: number }[];
  dockerCli: boolean;
  socketExists: boolean;
  socketWritable: boolean;
  hasBash: boolean;
  /** `sudo -n true`: ok, asks for a password, or no sudo at all. */
  sudo: 'ok' | 'password' | 'missing';
  /** Host clock minus workstation clock, taken at the middle of the round trip. */
  clockOffsetMs: number;
  /** Half the round trip: how far off the offset can be. */
  clockUncertaintyMs: number;
}

const SOCKET = '/var/run/docker.sock';

// POSIX sh only: the host may have no bash. `date +%s%3N` is GNU; busybox prints
// a literal "3N", which parses as NaN and is reported as unknown rather than wrong.
const FACTS_SCRIPT = [
  'echo "now=$(date +%s%3N)"',
  'echo "hostname=$(hostname)"',
  'echo "ssh=$SSH_CONNECTION"',
  'command -v docker >/dev/null 2>&1 && echo docker=yes',
  `[ -S ${SOCKET} ] && echo sock=yes`,
  `[ -r ${SOCKET} ] && [ -w ${SOCKET} ] && echo sockrw=yes`,
  'command -v bash >/dev/null 2>&1 && echo bash=yes',
  'ip -o -4 addr show 2>/dev/null | awk \'{print "if=" $2 " " $4}\'',
  'true',
].join('\n');

export async function readShellFacts(handle: PlanHostHandle): Promise<ShellFacts> {
  const facts = await readShellFactsOnce(handle);
  handle.reachedAt = facts.reachedAt;
  return facts;
}

async function readShellFactsOnce(handle: PlanHostHandle): Promise<ShellFacts> {
  const started = Date.now();
  const result = await handle.exec(['sh', '-c', FACTS_SCRIPT], { timeoutMs: 20_000 });
  const ended = Date.now();
  const values = new Map<string, string[]>();
  for (const line of result.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    values.set(key, [...(values.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  const one = (key: string): string => values.get(key)?.[0] ?? '';
  const interfaces = (values.get('if') ?? []).flatMap((line) => {
    const match = /^(\S+) (\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(line);
    return match ? [{ name: match[1]!, address: match[2]!, prefix: Number(match[3]) }] : [];
  });
  const remoteNow = Number(one('now'));
  return {
    hostname: one('hostname'),
    reachedAt: one('ssh').split(' ')[2] ?? handle.record.address,
    interfaces,
    dockerCli: one('docker') === 'yes',
    socketExists: one('sock') === 'yes',
    socketWritable: one('sockrw') === 'yes',
    hasBash: one('bash') === 'yes',
    sudo: one('sudo') === 'ok' ? 'ok' : one('sudo') === 'missing' ? 'missing' : 'password',
    clockOffsetMs: Number.isFinite(remoteNow) && remoteNow > 0 ? remoteNow - (started + ended) / 2 : Number.NaN,
    clockUncertaintyMs: (ended - started) / 2,
  };
}

/** Docker's view of the host, or the error that kept Docker from answering. */
export async function readEngineInfo(handle: PlanHostHandle): Promise<EngineInfo> {
  return handle.docker.request('read', (docker) => swarmApi.info(docker));
}

export function toHostFacts(handle: PlanHostHandle, shell: ShellFacts, info: EngineInfo | null): HostFacts {
  const swarm = info?.Swarm;
  return {
    host: handle.alias,
    hostname: shell.hostname,
    reachedAt: shell.reachedAt,
    interfaces: shell.interfaces.filter((i) => i.name !== 'lo'),
    dockerVersion: info?.ServerVersion ?? null,
    swarm: swarm
      ? {
          state: (swarm.LocalNodeState || 'inactive') as SwarmLocalState,
          clusterId: swarm.Cluster?.ID ?? null,
          nodeId: swarm.NodeID || null,
          isManager: swarm.ControlAvailable === true,
        }
      : null,
  };
}

/** Each plan host's advertise address: the plan's, else the address the host is reached at. */
export async function resolveAdvertise(plan: SwarmPlan, handle: (alias: string) => PlanHostHandle): Promise<Map<string, string>> {
  const entries = await Promise.all(
    plan.hosts.map(async (h) => {
      if (h.advertiseAddress) return [h.host, h.advertiseAddress] as const;
      const host = handle(h.host);
      return [h.host, host.reachedAt ?? (await readShellFacts(host)).reachedAt] as const;
    }),
  );
  return new Map(entries);
}
