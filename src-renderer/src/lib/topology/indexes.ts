import type { TopologyDiff, TopologyNode, TopologyService, TopologyTask } from '../../../../src-main/contract.js';
import type { TopologyModel } from './model.js';

export interface TopologyCounts {
  nodes: number;
  managers: number;
  workers: number;
  nodesReady: number;
  services: number;
  /** Services with fewer tasks running than they should have. */
  servicesShort: number;
  tasks: number;
  tasksRunning: number;
}

/** What the screens look things up by, kept in step with the model without a full rebuild per diff. */
export interface TopologyIndex {
  /** Tasks placed on each node (tasks not yet placed are only under their service). */
  tasksByNode: ReadonlyMap<string, readonly TopologyTask[]>;
  tasksByService: ReadonlyMap<string, readonly TopologyTask[]>;
  /** Service IDs attached to each network ID. */
  servicesByNetwork: ReadonlyMap<string, readonly string[]>;
  /** Node IDs as the map shows them: managers first (the leader first), then workers, by hostname. */
  nodeOrder: readonly string[];
  /** Service IDs by name. */
  serviceOrder: readonly string[];
  counts: TopologyCounts;
}

/** The model and its index, replaced together. */
export interface TopologyView {
  model: TopologyModel;
  index: TopologyIndex;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function compareNodes(a: TopologyNode, b: TopologyNode): number {
  const rank = (n: TopologyNode) => (n.role === 'manager' ? (n.leader ? 0 : 1) : 2);
  return rank(a) - rank(b) || collator.compare(a.hostname, b.hostname) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function nodeFacts(
  nodes: ReadonlyMap<string, TopologyNode>,
): Pick<TopologyIndex, 'nodeOrder'> & Pick<TopologyCounts, 'nodes' | 'managers' | 'workers' | 'nodesReady'> {
  const list = [...nodes.values()].sort(compareNodes);
  let managers = 0;
  let nodesReady = 0;
  for (const n of list) {
    if (n.role === 'manager') managers++;
    if (n.state === 'ready') nodesReady++;
  }
  return { nodeOrder: list.map((n) => n.id), nodes: list.length, managers, workers: list.length - managers, nodesReady };
}

function serviceFacts(services: ReadonlyMap<string, TopologyService>): {
  servicesByNetwork: Map<string, string[]>;
  serviceOrder: string[];
  services: number;
  servicesShort: number;
} {
  const servicesByNetwork = new Map<string, string[]>();
  let servicesShort = 0;
  for (const s of services.values()) {
    if (s.running < s.desired) servicesShort++;
    for (const network of s.networks) {
      const list = servicesByNetwork.get(network);
      if (list) list.push(s.id);
      else servicesByNetwork.set(network, [s.id]);
    }
  }
  const serviceOrder = [...services.values()].sort((a, b) => collator.compare(a.name, b.name)).map((s) => s.id);
  return { servicesByNetwork, serviceOrder, services: services.size, servicesShort };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildIndex(model: TopologyModel): TopologyIndex {
  const tasksByNode = new Map<string, TopologyTask[]>();
  const tasksByService = new Map<string, TopologyTask[]>();
  let tasksRunning = 0;
  for (const task of model.tasks.values()) {
    if (task.nodeId) push(tasksByNode, task.nodeId, task);
    push(tasksByService, task.serviceId, task);
    if (task.state === 'running') tasksRunning++;
  }
  const { nodeOrder, ...nodeCounts } = nodeFacts(model.nodes);
  const { servicesByNetwork, serviceOrder, ...serviceCounts } = serviceFacts(model.services);
  return {
    tasksByNode,
    tasksByService,
    servicesByNetwork,
    nodeOrder,
    serviceOrder,
    counts: { ...nodeCounts, ...serviceCounts, tasks: model.tasks.size, tasksRunning },
  };
}

export function buildView(model: TopologyModel): TopologyView {
  return { model, index: buildIndex(model) };
}

/**
 * The index of `next`, from the index of `prev` and the diffs between them: only the
 * node and service buckets a changed task was or is in are rebuilt; nodes and services
 * (hundreds to a few thousand) are re-sorted and re-counted when they changed.
 */
export function updateIndex(index: TopologyIndex, prev: TopologyModel, next: TopologyModel, diffs: readonly TopologyDiff[]): TopologyIndex {
  let { tasksByNode, tasksByService } = index;
  let counts = { ...index.counts };
  if (next.tasks !== prev.tasks) {
    const byNode = new Map<string, Set<string>>();
    const byService = new Map<string, Set<string>>();
    const touch = (map: Map<string, Set<string>>, key: string, id: string) => {
      const set = map.get(key);
      if (set) set.add(id);
      else map.set(key, new Set([id]));
    };
    const seen = new Set<string>();
    for (const diff of diffs) {
      for (const id of [...(diff.tasks?.remove ?? []), ...(diff.tasks?.upsert ?? []).map((t) => t.id)]) {
        if (seen.has(id)) continue;
        seen.add(id);
        const before = prev.tasks.get(id);
        const after = next.tasks.get(id);
        if (before === after) continue;
        for (const task of [before, after]) {
          if (!task) continue;
          if (task.nodeId) touch(byNode, task.nodeId, id);
          touch(byService, task.serviceId, id);
        }
        counts.tasksRunning += (after?.state === 'running' ? 1 : 0) - (before?.state === 'running' ? 1 : 0);
      }
    }
    counts.tasks = next.tasks.size;
    const rebuild = (
      buckets: ReadonlyMap<string, readonly TopologyTask[]>,
      touched: Map<string, Set<string>>,
      keyOf: (t: TopologyTask) => string | null,
    ): ReadonlyMap<string, readonly TopologyTask[]> => {
      if (touched.size === 0) return buckets;
      const copy = new Map(buckets);
      for (const [key, ids] of touched) {
        const bucket = (buckets.get(key) ?? []).filter((t) => !ids.has(t.id));
        for (const id of ids) {
          const task = next.tasks.get(id);
          if (task && keyOf(task) === key) bucket.push(task);
        }
        if (bucket.length > 0) copy.set(key, bucket);
        else copy.delete(key);
      }
      return copy;
    };
    tasksByNode = rebuild(tasksByNode, byNode, (t) => t.nodeId);
    tasksByService = rebuild(tasksByService, byService, (t) => t.serviceId);
  }
  let { nodeOrder, servicesByNetwork, serviceOrder } = index;
  if (next.nodes !== prev.nodes) {
    const facts = nodeFacts(next.nodes);
    nodeOrder = facts.nodeOrder;
    counts = { ...counts, nodes: facts.nodes, managers: facts.managers, workers: facts.workers, nodesReady: facts.nodesReady };
  }
  if (next.services !== prev.services) {
    const facts = serviceFacts(next.services);
    servicesByNetwork = facts.servicesByNetwork;
    serviceOrder = facts.serviceOrder;
    counts = { ...counts, services: facts.services, servicesShort: facts.servicesShort };
  }
  return { tasksByNode, tasksByService, servicesByNetwork, nodeOrder, serviceOrder, counts };
}
