import type { ServiceCreateInput } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError } from '../errors.js';
import type { TopologyService } from '../topology/topology-service.js';

/** `docker service create` from the service form. */
export class ServiceCreator {
  constructor(
    private readonly clusters: ClusterService,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
  ) {}

  create(_input: ServiceCreateInput): Promise<{ serviceId: string }> {
    return Promise.reject(new CoreError('INTERNAL', 'service create is not built yet'));
  }
}
