import type { SwarmPlan } from '../../contract.js';
import type { PlanHostHandle } from './plan-hosts.js';
import { readEngineInfo } from './host-facts.js';
import { swarmApi, type EngineInfo, type SwarmNode } from './swarm-api.js';

export type Membership = 'inactive' | 'this' | 'other' | 'pending' | 'locked' | 'error' | 'unreachable';

/**
 * Where every host of a plan stands now. The anchor is the first planned
 * manager that already manages a swarm: a resumed run builds on it instead of
 * running a second `swarm init`.
 */
export interface PlanState {
  infos: Map<string, EngineInfo | null>;
  anchor: string | null;
  swarmId: string | null;
  nodes: SwarmNode[];
}

/** `reachable`, when given, limits the reads to hosts known to answer; the others count as unreachable without another try. */
export async function readPlanState(
  plan: SwarmPlan,
  handle: (alias: string) => PlanHostHandle,
  reachable?: ReadonlySet<string>,
): Promise<PlanState> {
  const infos = new Map<string, EngineInfo | null>();
  await Promise.all(
    plan.hosts.map(async (h) => {
      const info = reachable && !reachable.has(h.host) ? null : await readEngineInfo(handle(h.host)).catch(() => null);
      infos.set(h.host, info);
    }),
  );
  const anchor =
    plan.hosts.find((h) => {
      const swarm = infos.get(h.host)?.Swarm;
      return h.role === 'manager' && swarm?.LocalNodeState === 'active' && swarm.ControlAvailable === true;
    })?.host ?? null;
  if (!anchor) return { infos, anchor: null, swarmId: null, nodes: [] };
  const anchorHandle = handle(anchor);
  const nodes = await anchorHandle.docker.request('read', (docker) => swarmApi.nodes(docker));
  return { infos, anchor, swarmId: infos.get(anchor)?.Swarm?.Cluster?.ID ?? null, nodes };
}

export function membership(state: PlanState, alias: string): Membership {
  const info = state.infos.get(alias);
  if (info === undefined || info === null) return 'unreachable';
  const swarm = info.Swarm;
  switch (swarm?.LocalNodeState || 'inactive') {
    case 'inactive':
      return 'inactive';
    case 'pending':
      return 'pending';
    case 'locked':
      return 'locked';
    case 'error':
      return 'error';
    default: {
      if (!state.anchor) return 'other';
      if (swarm?.Cluster?.ID && swarm.Cluster.ID === state.swarmId) return 'this';
      return state.nodes.some((n) => n.ID === swarm?.NodeID) ? 'this' : 'other';
    }
  }
}

/** The node this host is, in the anchor's node list. */
export function nodeOf(state: PlanState, alias: string): SwarmNode | undefined {
  const nodeId = state.infos.get(alias)?.Swarm?.NodeID;
  return nodeId ? state.nodes.find((n) => n.ID === nodeId) : undefined;
}
