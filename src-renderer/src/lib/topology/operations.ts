import type { Contract, NodeRole, RotationTarget, ServiceCreateInput, TopologyNode } from '../../../../src-main/contract.js';
import { ApiError } from '../api.js';
import { describeError } from '../describe-error.js';
import { t } from '../i18n/index.svelte.js';

/** What the cluster screen can do to a swarm; bound to one cluster. */
export interface ClusterOperations {
  setAvailability(nodeId: string, availability: TopologyNode['availability']): Promise<void>;
  setRole(nodeId: string, role: NodeRole, override: boolean): Promise<void>;
  setLabels(nodeId: string, labels: Record<string, string>): Promise<void>;
  /** Drain, wait, demote, leave over SSH, node rm; progress comes as `nodes:removal`. */
  removeNode(nodeId: string, override: boolean): Promise<void>;
  rotate(what: RotationTarget): Promise<void>;
  createService(input: Omit<ServiceCreateInput, 'clusterId'>): Promise<{ serviceId: string }>;
  updateImage(serviceId: string, image: string): Promise<void>;
  scale(serviceId: string, replicas: number): Promise<void>;
  rollback(serviceId: string): Promise<void>;
  forceRestart(serviceId: string): Promise<void>;
  remove(serviceId: string): Promise<void>;
  logs(serviceId: string, tail: number): Promise<{ streamId: string }>;
  stopLogs(streamId: string): Promise<void>;
  /** Reads the swarm again: after an operation whose outcome is unknown. */
  reread(): void;
}

export function clusterOperations(clusterId: string, api: Contract, reread: () => void): ClusterOperations {
  return {
    setAvailability: (nodeId, availability) => api.nodes.setAvailability({ clusterId, nodeId, availability }),
    setRole: (nodeId, role, override) => api.nodes.setRole({ clusterId, nodeId, role, override }),
    setLabels: (nodeId, labels) => api.nodes.setLabels({ clusterId, nodeId, labels }),
    removeNode: (nodeId, override) => api.nodes.remove({ clusterId, nodeId, override }),
    rotate: (what) => api.swarm.rotate({ clusterId, what }),
    createService: (input) => api.services.create({ ...input, clusterId }),
    updateImage: (serviceId, image) => api.services.updateImage({ clusterId, serviceId, image }),
    scale: (serviceId, replicas) => api.services.scale({ clusterId, serviceId, replicas }),
    rollback: (serviceId) => api.services.rollback({ clusterId, serviceId }),
    forceRestart: (serviceId) => api.services.forceRestart({ clusterId, serviceId }),
    remove: (serviceId) => api.services.remove({ clusterId, serviceId }),
    logs: (serviceId, tail) => api.services.logs({ clusterId, serviceId, follow: true, tail }),
    stopLogs: (streamId) => api.services.stopLogs({ streamId }),
    reread,
  };
}

/** For a model with no swarm behind it (tests, the benchmark): every operation is refused. */
const refuse = (): Promise<never> => Promise.reject(new ApiError({ code: 'UNKNOWN_METHOD', message: 'This map has no swarm behind it' }));
export const readOnlyOperations: ClusterOperations = {
  setAvailability: refuse,
  setRole: refuse,
  setLabels: refuse,
  removeNode: refuse,
  rotate: refuse,
  createService: refuse,
  updateImage: refuse,
  scale: refuse,
  rollback: refuse,
  forceRestart: refuse,
  remove: refuse,
  logs: refuse,
  stopLogs: () => Promise.resolve(),
  reread: () => undefined,
};

const UNKNOWN_OUTCOME = new Set(['OUTCOME_UNKNOWN', 'TRANSPORT_CLOSED', 'SSH_LINK_LOST']);

export function errorCode(err: unknown): string | undefined {
  if (err instanceof ApiError) return err.code;
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/**
 * Words for a failed operation. When the connection dropped mid-way nobody knows whether
 * Docker applied it: say so, and have the map read the swarm again to show what happened.
 */
export function operationError(err: unknown, ops: Pick<ClusterOperations, 'reread'>): string {
  if (UNKNOWN_OUTCOME.has(errorCode(err) ?? '')) {
    ops.reread();
    return t('cluster.details.outcomeUnknown');
  }
  return describeError(err);
}
