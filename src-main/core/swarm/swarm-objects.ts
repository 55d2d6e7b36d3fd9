import type { SwarmObjectSummary } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError } from '../errors.js';
import type { TopologyService } from '../topology/topology-service.js';

export type SwarmObjectKind = 'secret' | 'config';

/** Swarm secrets and configs: create, list, remove. A secret's value is never read back. */
export class SwarmObjects {
  constructor(
    private readonly clusters: ClusterService,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
  ) {}

  list(_clusterId: string, _kind: SwarmObjectKind): Promise<SwarmObjectSummary[]> {
    return Promise.reject(notYet());
  }

  create(
    _clusterId: string,
    _kind: SwarmObjectKind,
    _name: string,
    _value: string,
    _labels: Record<string, string>,
  ): Promise<{ id: string }> {
    return Promise.reject(notYet());
  }

  remove(_clusterId: string, _kind: SwarmObjectKind, _id: string): Promise<void> {
    return Promise.reject(notYet());
  }
}

function notYet(): CoreError {
  return new CoreError('INTERNAL', 'secrets and configs are not built yet');
}
