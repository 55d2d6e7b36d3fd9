import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import type { EventBus } from '../events.js';
import { CoreError } from '../errors.js';
import type { TopologyService } from '../topology/topology-service.js';
import type { PlanHosts } from './plan-hosts.js';

/** Removes a node without losing its work or the swarm's quorum. */
export class NodeRemoval {
  constructor(
    private readonly clusters: ClusterService,
    private readonly planHosts: PlanHosts,
    private readonly events: EventBus,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
  ) {}

  remove(_clusterId: string, _nodeId: string, _override: boolean): Promise<void> {
    return Promise.reject(new CoreError('INTERNAL', 'node removal is not built yet'));
  }
}
