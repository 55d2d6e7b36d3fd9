import type { TopologyTask } from '../../../../src-main/contract.js';
import type { TopologyView } from './indexes.js';

/** Docker's task states, as `docker service ps` shows them. */
export const TASK_STATES = new Set([
  'new',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
]);

/** What the map and the service list keep; null means everything. */
export interface TopologyFilter {
  nodes: ReadonlySet<string> | null;
  services: ReadonlySet<string> | null;
}

const scheduled = (t: TopologyTask) => t.desiredState === 'running' || t.desiredState === 'ready';

/**
 * One search box for the whole screen. `key=value` keeps the nodes with that label (and the
 * services on them); a task state (`failed`) keeps where tasks are in it; anything else matches
 * service names (and keeps the nodes their tasks run on) and hostnames (and the services on them).
 */
export function filterTopology({ model, index }: TopologyView, query: string): TopologyFilter {
  const q = query.trim().toLowerCase();
  if (q === '') return { nodes: null, services: null };
  const nodes = new Set<string>();
  const services = new Set<string>();
  const servicesOn = (nodeId: string) => {
    for (const task of index.tasksByNode.get(nodeId) ?? []) if (scheduled(task)) services.add(task.serviceId);
  };

  const eq = q.indexOf('=');
  if (eq > 0) {
    const key = q.slice(0, eq).trim();
    const value = q.slice(eq + 1).trim();
    for (const node of model.nodes.values()) {
      const hit = Object.entries(node.labels).some(([k, v]) => k.toLowerCase() === key && (value === '' || v.toLowerCase() === value));
      if (hit) {
        nodes.add(node.id);
        servicesOn(node.id);
      }
    }
    return { nodes, services };
  }

  if (TASK_STATES.has(q)) {
    for (const task of model.tasks.values()) {
      if (task.state !== q) continue;
      services.add(task.serviceId);
      if (task.nodeId) nodes.add(task.nodeId);
    }
  }
  for (const service of model.services.values()) {
    if (!service.name.toLowerCase().includes(q)) continue;
    services.add(service.id);
    for (const task of index.tasksByService.get(service.id) ?? []) if (task.nodeId && scheduled(task)) nodes.add(task.nodeId);
  }
  for (const node of model.nodes.values()) {
    if (!node.hostname.toLowerCase().includes(q)) continue;
    nodes.add(node.id);
    servicesOn(node.id);
  }
  return { nodes, services };
}

export interface NetworkReach {
  /** The service's own networks that give name resolution (the ingress network does not). */
  networks: string[];
  /** Services on at least one of those networks: they can reach this one by its name. */
  reachable: string[];
  /** Services on none of them. */
  unreachable: string[];
}

/** Which services can reach `serviceId` by name through swarm service discovery: those sharing an overlay network with it. */
export function networkReach({ model, index }: TopologyView, serviceId: string): NetworkReach {
  const service = model.services.get(serviceId);
  const networks = (service?.networks ?? []).filter((id) => model.networks.get(id)?.ingress !== true);
  const peers = new Set<string>();
  for (const network of networks) for (const id of index.servicesByNetwork.get(network) ?? []) if (id !== serviceId) peers.add(id);
  const byName = (a: string, b: string) => (model.services.get(a)?.name ?? a).localeCompare(model.services.get(b)?.name ?? b);
  const reachable = [...peers].sort(byName);
  const unreachable = [...model.services.keys()].filter((id) => id !== serviceId && !peers.has(id)).sort(byName);
  return { networks, reachable, unreachable };
}
