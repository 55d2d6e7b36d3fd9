import type { HealthWarning, SwarmHealth, TopologyNode, TopologyTask } from '../../contract.js';

export interface HealthInputs {
  nodes: readonly TopologyNode[];
  tasks: readonly TopologyTask[];
  autolock: boolean;
  /** When the swarm was made, and when the app last rotated its join tokens (null: never, as far as the activity log knows). */
  swarmCreatedAt: string | null;
  tokensRotatedAt: string | null;
  now: number;
}

const DAY = 86_400_000;
/** Docker's guidance: rotate join tokens at least every 6 months. */
const TOKEN_AGE_DAYS = 182;

/** Docker's admin guide turned into numbers and warnings, each with the values its sentence needs. */
export function computeHealth(input: HealthInputs): SwarmHealth {
  const managers = input.nodes.filter((n) => n.role === 'manager');
  const reachable = managers.filter((n) => n.reachability === 'reachable');
  const count = managers.length;
  const tolerates = count < 1 ? 0 : Math.floor((count - 1) / 2);
  const quorum = Math.floor(count / 2) + 1;
  const toleratesNow = Math.max(0, reachable.length - quorum);
  const leader = managers.find((n) => n.leader)?.hostname ?? null;
  const warnings: HealthWarning[] = [];
  const names = (list: readonly TopologyNode[]): string => list.map((n) => n.hostname).join(', ');

  if (count > 0 && reachable.length < quorum)
    warnings.push({ code: 'QUORUM_LOST', params: { reachable: String(reachable.length), needed: String(quorum) } });
  const unreachable = managers.filter((n) => n.reachability !== 'reachable');
  if (unreachable.length > 0 && reachable.length >= quorum) {
    warnings.push({
      code: 'MANAGERS_UNREACHABLE',
      params: { hosts: names(unreachable), count: String(unreachable.length), toleratesNow: String(toleratesNow) },
    });
  }
  if (count === 1) warnings.push({ code: 'MANAGER_SINGLE', params: {} });
  else if (count > 0 && count % 2 === 0)
    warnings.push({ code: 'MANAGERS_EVEN', params: { count: String(count), tolerates: String(tolerates) } });

  if (input.nodes.length > 5) {
    const busy = new Set(input.tasks.filter((t) => t.desiredState === 'running' && t.nodeId).map((t) => t.nodeId));
    const working = managers.filter((m) => m.availability === 'active' && busy.has(m.id));
    if (working.length > 0)
      warnings.push({ code: 'MANAGERS_RUN_WORKLOADS', params: { hosts: names(working), nodes: String(input.nodes.length) } });
  }
  const down = input.nodes.filter((n) => n.state !== 'ready');
  if (down.length > 0) warnings.push({ code: 'NODES_DOWN', params: { hosts: names(down), count: String(down.length) } });

  const versions = [...new Set(input.nodes.map((n) => n.engine).filter(Boolean))].sort();
  if (versions.length > 1) warnings.push({ code: 'ENGINE_SKEW', params: { versions: versions.join(', ') } });

  const since = input.tokensRotatedAt ?? input.swarmCreatedAt;
  const age = since ? Math.floor((input.now - Date.parse(since)) / DAY) : null;
  if (age !== null && age > TOKEN_AGE_DAYS)
    warnings.push({ code: 'TOKENS_NOT_ROTATED', params: { days: String(age), rotated: input.tokensRotatedAt ? 'yes' : 'no' } });
  if (!input.autolock) warnings.push({ code: 'AUTOLOCK_OFF', params: {} });

  return { managers: count, reachable: reachable.length, tolerates, toleratesNow, leader, autolock: input.autolock, warnings };
}
