import type { StackCheck, StackDeployResult, StackSummary } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError } from '../errors.js';
import type { TopologyService } from '../topology/topology-service.js';

/** Compose stacks on a swarm, as `docker stack deploy|ls|rm` handle them. */
export class StackService {
  constructor(
    private readonly clusters: ClusterService,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
  ) {}

  list(_clusterId: string): Promise<StackSummary[]> {
    return Promise.reject(notYet());
  }

  check(_clusterId: string, _name: string, _compose: string): Promise<StackCheck> {
    return Promise.reject(notYet());
  }

  deploy(_clusterId: string, _name: string, _compose: string): Promise<StackDeployResult> {
    return Promise.reject(notYet());
  }

  remove(_clusterId: string, _name: string): Promise<{ removed: string[] }> {
    return Promise.reject(notYet());
  }
}

function notYet(): CoreError {
  return new CoreError('INTERNAL', 'stacks are not built yet');
}
