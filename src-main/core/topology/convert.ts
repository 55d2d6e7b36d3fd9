import type { PublishedPort, TopologyNetwork, TopologyNode, TopologyService, TopologyTask } from '../../contract.js';

// Docker's API shapes (only the fields read here) turned into the contract's
// flat, renderer-ready records. Pure: the same input gives the same output, so
// a model can be compared field by field to find what changed.

export interface ApiNode {
  ID: string;
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Description?: { Hostname?: string; Engine?: { EngineVersion?: string }; Resources?: { NanoCPUs?: number; MemoryBytes?: number } };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

export interface ApiService {
  ID: string;
  Spec?: {
    Name?: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Image?: string }; Networks?: { Target?: string }[] };
    Networks?: { Target?: string }[];
  };
  Endpoint?: { Ports?: { PublishedPort?: number; TargetPort?: number; Protocol?: string; PublishMode?: string }[] };
  UpdateStatus?: { State?: string };
}

export interface ApiTask {
  ID: string;
  ServiceID?: string;
  NodeID?: string;
  Slot?: number;
  UpdatedAt?: string;
  DesiredState?: string;
  Status?: { State?: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string } };
}

export interface ApiNetwork {
  Id?: string;
  ID?: string;
  Name?: string;
  Driver?: string;
  Scope?: string;
  Attachable?: boolean;
  Ingress?: boolean;
  Options?: Record<string, string> | null;
  IPAM?: { Config?: { Subnet?: string }[] | null };
}

const AVAILABILITY = new Set(['active', 'pause', 'drain']);
const NODE_STATE = new Set(['ready', 'down', 'unknown', 'disconnected']);

export function toNode(n: ApiNode): TopologyNode {
  const role = n.Spec?.Role === 'manager' ? 'manager' : 'worker';
  const availability = n.Spec?.Availability ?? 'active';
  const state = n.Status?.State ?? 'unknown';
  const reachability = n.ManagerStatus?.Reachability;
  return {
    id: n.ID,
    hostname: n.Description?.Hostname ?? n.ID,
    role,
    leader: n.ManagerStatus?.Leader === true,
    reachability: role === 'manager' ? (reachability === 'reachable' || reachability === 'unreachable' ? reachability : 'unknown') : null,
    availability: (AVAILABILITY.has(availability) ? availability : 'active') as TopologyNode['availability'],
    state: (NODE_STATE.has(state) ? state : 'unknown') as TopologyNode['state'],
    engine: n.Description?.Engine?.EngineVersion ?? '',
    address: n.Status?.Addr ?? '',
    labels: n.Spec?.Labels ?? {},
    nanoCpus: n.Description?.Resources?.NanoCPUs ?? 0,
    memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
  };
}

/** `running` and `desired` come from the tasks, as `docker service ls` counts them. */
export function toService(s: ApiService, counts: { running: number; desiredGlobal: number }): TopologyService {
  const global = s.Spec?.Mode?.Global !== undefined;
  const replicas = global ? null : (s.Spec?.Mode?.Replicated?.Replicas ?? 1);
  const image = (s.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '').replace(/@sha256:[0-9a-f]+$/, '');
  const networks = (s.Spec?.TaskTemplate?.Networks ?? s.Spec?.Networks ?? []).map((n) => n.Target ?? '').filter(Boolean);
  const ports: PublishedPort[] = (s.Endpoint?.Ports ?? []).map((p) => ({
    published: p.PublishedPort ?? 0,
    target: p.TargetPort ?? 0,
    protocol: p.Protocol ?? 'tcp',
    mode: p.PublishMode === 'host' ? 'host' : 'ingress',
  }));
  return {
    id: s.ID,
    name: s.Spec?.Name ?? s.ID,
    image,
    mode: global ? 'global' : 'replicated',
    replicas,
    running: counts.running,
    desired: global ? counts.desiredGlobal : (replicas ?? 0),
    ports,
    networks,
    updateState: s.UpdateStatus?.State ?? null,
    stack: s.Spec?.Labels?.['com.docker.stack.namespace'] ?? null,
  };
}

export function toTask(t: ApiTask): TopologyTask {
  return {
    id: t.ID,
    serviceId: t.ServiceID ?? '',
    nodeId: t.NodeID || null,
    slot: t.Slot ?? null,
    state: t.Status?.State ?? 'unknown',
    desiredState: t.DesiredState ?? 'unknown',
    message: t.Status?.Message ?? '',
    error: t.Status?.Err || null,
    containerId: t.Status?.ContainerStatus?.ContainerID || null,
    updatedAt: t.UpdatedAt ?? '',
  };
}

export function toNetwork(n: ApiNetwork): TopologyNetwork {
  return {
    id: n.Id ?? n.ID ?? '',
    name: n.Name ?? '',
    driver: n.Driver ?? '',
    scope: n.Scope ?? '',
    subnet: n.IPAM?.Config?.[0]?.Subnet ?? null,
    encrypted: n.Options ? 'encrypted' in n.Options : false,
    attachable: n.Attachable === true,
    ingress: n.Ingress === true,
  };
}

/** Running tasks per service, and for global services how many tasks should run (one per node it is scheduled on). */
export function taskCounts(tasks: readonly TopologyTask[]): Map<string, { running: number; desiredGlobal: number }> {
  const counts = new Map<string, { running: number; desiredGlobal: number }>();
  for (const t of tasks) {
    let c = counts.get(t.serviceId);
    if (!c) counts.set(t.serviceId, (c = { running: 0, desiredGlobal: 0 }));
    if (t.state === 'running') c.running++;
    if (t.desiredState === 'running') c.desiredGlobal++;
  }
  return counts;
}
