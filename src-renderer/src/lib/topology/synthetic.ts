import type {
  HealthWarning,
  TopologyDiff,
  TopologyNetwork,
  TopologyNode,
  TopologyService,
  TopologySnapshot,
  TopologyTask,
} from '../../../../src-main/contract.js';
import type { TopologyModel } from './model.js';

// A synthetic swarm, the same for the same seed: for tests and the benchmark, at any size
// (e.g. 500 nodes, 2,000 services, 20,000 tasks). The shapes are the contract's own.

export interface SyntheticOptions {
  nodes?: number;
  managers?: number;
  services?: number;
  tasks?: number;
  seed?: number;
  /** The clock the task times are relative to (ms since the epoch). */
  now?: number;
  clusterId?: string;
}

export const SYNTHETIC_NOW = Date.parse('2025-06-01T12:00:00Z');

/** mulberry32: small, fast, and good enough to spread test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';
const STACKS = ['shop', 'blog', 'billing', 'search', 'metrics', 'auth', 'media', 'mail', 'chat', 'ads'];
const PARTS = ['api', 'web', 'jobs', 'cache', 'db', 'queue', 'cron', 'proxy', 'ui', 'indexer', 'gateway', 'exporter'];
const ENGINES = ['27.3.1', '27.3.1', '27.3.1', '27.3.1', '26.1.4'];
const GIB = 1024 ** 3;

export function syntheticSnapshot(options: SyntheticOptions = {}): TopologySnapshot {
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const id = (length = 25) => {
    let out = '';
    for (let i = 0; i < length; i++) out += ID_CHARS[Math.floor(random() * ID_CHARS.length)];
    return out;
  };
  const nodeCount = Math.max(1, options.nodes ?? 12);
  const managerCount = Math.min(nodeCount, options.managers ?? (nodeCount >= 50 ? 5 : 3));
  const serviceCount = options.services ?? 20;
  const taskBudget = options.tasks ?? 80;
  const now = options.now ?? SYNTHETIC_NOW;
  const at = (agoMs: number) => new Date(now - agoMs).toISOString();

  const nodes: TopologyNode[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const manager = i < managerCount;
    const labels: Record<string, string> = { zone: pick(['a', 'b', 'c']) };
    if (random() < 0.3) labels.disk = 'ssd';
    if (!manager && random() < 0.1) labels.gpu = 'true';
    nodes.push({
      id: id(),
      hostname: manager ? `manager${i + 1}` : `worker${i - managerCount + 1}`,
      role: manager ? 'manager' : 'worker',
      leader: i === 0,
      reachability: manager ? 'reachable' : null,
      availability: manager && nodeCount > 5 ? 'drain' : random() < 0.02 ? 'pause' : 'active',
      state: random() < 0.01 ? 'down' : 'ready',
      engine: pick(ENGINES),
      address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 2}`,
      labels,
      nanoCpus: pick([2, 4, 8, 16]) * 1e9,
      memoryBytes: pick([4, 8, 16, 32, 64]) * GIB,
    });
  }

  const networks: TopologyNetwork[] = [
    {
      id: id(),
      name: 'ingress',
      driver: 'overlay',
      scope: 'swarm',
      subnet: '10.255.0.0/16',
      encrypted: false,
      attachable: false,
      ingress: true,
    },
  ];
  const overlayCount = Math.max(1, Math.ceil(serviceCount / 25));
  for (let i = 0; i < overlayCount; i++) {
    networks.push({
      id: id(),
      name: `${STACKS[i % STACKS.length]}_net${Math.floor(i / STACKS.length) || ''}`,
      driver: 'overlay',
      scope: 'swarm',
      subnet: `10.${1 + Math.floor(i / 256)}.${i % 256}.0/24`,
      encrypted: random() < 0.5,
      attachable: random() < 0.3,
      ingress: false,
    });
  }

  const placeable = nodes.filter((n) => n.availability === 'active');
  const workerPool = placeable.length > 0 ? placeable : nodes;
  const globals = serviceCount >= 50 ? 2 : serviceCount >= 5 ? 1 : 0;
  const replicated = serviceCount - globals;
  const runningBudget = Math.max(0, Math.floor(taskBudget * 0.88) - globals * workerPool.length);
  const perService = replicated > 0 ? Math.max(1, Math.round(runningBudget / replicated)) : 0;

  const services: TopologyService[] = [];
  const tasks: TopologyTask[] = [];
  const addTask = (
    service: TopologyService,
    slot: number | null,
    nodeId: string | null,
    state: string,
    desiredState: string,
    agoMs: number,
  ) => {
    if (tasks.length >= taskBudget) return false;
    tasks.push({
      id: id(),
      serviceId: service.id,
      nodeId,
      slot,
      state,
      desiredState,
      message: state === 'running' ? 'started' : state,
      error: state === 'failed' ? 'task: non-zero exit (1)' : null,
      containerId: state === 'running' || state === 'failed' || state === 'shutdown' ? id(64) : null,
      updatedAt: at(agoMs),
    });
    return true;
  };

  for (let i = 0; i < serviceCount; i++) {
    const global = i < globals;
    const stack = STACKS[i % STACKS.length] as string;
    const name = global ? `${stack}_${['node-exporter', 'log-agent'][i]}` : `${stack}_${pick(PARTS)}${i}`;
    const replicas = global ? null : Math.max(1, Math.round(perService * (0.5 + random())));
    // Each service on one network of its stack (sometimes two), and now and then on another stack's.
    const stackNetworks = networks.filter((n) => !n.ingress && n.name.startsWith(`${stack}_`));
    const ownNetworks = [pick(stackNetworks.length > 0 ? stackNetworks : networks.slice(1)).id];
    if (random() < 0.2) ownNetworks.push(pick(networks.slice(1)).id);
    const ports = random() < 0.1 ? [{ published: 8000 + i, target: 80, protocol: 'tcp', mode: 'ingress' as const }] : [];
    if (ports.length > 0) ownNetworks.push(networks[0]!.id);
    const service: TopologyService = {
      id: id(),
      name,
      image: `registry.example.com/${stack}/${name.split('_')[1]}:1.${Math.floor(random() * 40)}`,
      mode: global ? 'global' : 'replicated',
      replicas,
      running: 0,
      desired: global ? workerPool.length : (replicas ?? 0),
      ports,
      networks: [...new Set(ownNetworks)],
      updateState: random() < 0.03 ? 'updating' : random() < 0.5 ? 'completed' : null,
      stack,
    };
    const slots = global ? workerPool.length : (replicas ?? 0);
    for (let slot = 1; slot <= slots; slot++) {
      const node = global ? workerPool[slot - 1]! : pick(workerPool);
      const roll = random();
      const state = roll < 0.95 ? 'running' : roll < 0.98 ? 'starting' : 'pending';
      if (
        !addTask(service, global ? null : slot, state === 'pending' ? null : node.id, state, 'running', Math.floor(random() * 86_400_000))
      )
        break;
      if (state === 'running') service.running++;
    }
    services.push(service);
  }
  // History: earlier tasks that were shut down or failed (a few of them just now).
  while (tasks.length < taskBudget && services.length > 0) {
    const service = pick(services);
    const failed = random() < 0.25;
    const ago = failed && random() < 0.3 ? Math.floor(random() * 600_000) : 3_600_000 + Math.floor(random() * 86_400_000);
    addTask(
      service,
      service.mode === 'global' ? null : 1 + Math.floor(random() * (service.replicas ?? 1)),
      pick(workerPool).id,
      failed ? 'failed' : 'shutdown',
      'shutdown',
      ago,
    );
  }

  const versions = [...new Set(nodes.map((n) => n.engine))].sort();
  const warnings: HealthWarning[] = [{ code: 'AUTOLOCK_OFF', params: {} }];
  if (versions.length > 1) warnings.unshift({ code: 'ENGINE_SKEW', params: { versions: versions.join(', ') } });
  const down = nodes.filter((n) => n.state !== 'ready');
  if (down.length > 0)
    warnings.unshift({ code: 'NODES_DOWN', params: { hosts: down.map((n) => n.hostname).join(', '), count: String(down.length) } });
  return {
    clusterId: options.clusterId ?? 'synthetic',
    swarmId: id(),
    version: 1,
    nodes,
    services,
    tasks,
    networks,
    health: {
      managers: managerCount,
      reachable: managerCount,
      tolerates: Math.floor((managerCount - 1) / 2),
      toleratesNow: Math.floor((managerCount - 1) / 2),
      leader: nodes[0]?.hostname ?? null,
      autolock: false,
      warnings,
    },
  };
}

/** The next diff of a live swarm: `changes` tasks move on (running → shutdown, with a new one in its slot). */
export function syntheticDiff(model: TopologyModel, options: { seed?: number; changes?: number } = {}): TopologyDiff {
  const random = seededRandom((options.seed ?? 1) + model.version);
  const tasks = [...model.tasks.values()];
  const upsert: TopologyTask[] = [];
  const changes = Math.min(options.changes ?? 20, tasks.length);
  for (let i = 0; i < changes; i++) {
    const task = tasks[Math.floor(random() * tasks.length)]!;
    if (task.state !== 'running') {
      upsert.push({ ...task, state: 'running', desiredState: 'running', updatedAt: new Date(SYNTHETIC_NOW).toISOString() });
      continue;
    }
    upsert.push({ ...task, state: 'shutdown', desiredState: 'shutdown' });
    upsert.push({
      ...task,
      id: `${task.id.slice(0, 17)}${model.version.toString(36).padStart(4, '0')}${i.toString(36).padStart(4, '0')}`,
      state: 'starting',
    });
  }
  return { clusterId: model.clusterId, version: model.version + 1, tasks: { upsert, remove: [] } };
}
