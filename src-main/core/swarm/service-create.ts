import type { ServiceCreateInput } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { CoreError } from '../errors.js';
import type { TopologyService } from '../topology/topology-service.js';
import { dial } from './swarm-api.js';
import { recordWrite } from './swarm-objects.js';
import { serviceCreateCommand, toServiceSpec, validateServiceInput, type NetworkRef } from './service-spec.js';

/** `docker service create` from the service form. */
export class ServiceCreator {
  constructor(
    private readonly clusters: ClusterService,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
  ) {}

  /**
   * Checks the input against itself and the swarm's networks, then creates the service.
   * The image is not resolved against a registry (the API create never pulls; each node
   * pulls, or uses what it has, when it starts a task).
   */
  async create(input: ServiceCreateInput): Promise<{ serviceId: string }> {
    const { clusterId, ...form } = input;
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const networks = input.networks.length > 0 ? await link.request('read', (d) => d.listNetworks() as Promise<NetworkRef[]>) : [];
    const issues = validateServiceInput(form, networks);
    if (issues.length > 0) throw new CoreError('INVALID_ARGUMENT', issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
    const spec = toServiceSpec(form, networks);
    // Env values may be passwords: kept out of the log line, and out of Docker's words if it echoed them.
    const envValues = form.env.map((e) => e.slice(e.indexOf('=') + 1));
    let serviceId = '';
    await recordWrite(
      {
        activity: this.activity,
        topology: this.topology,
        clusterId,
        cluster: profile.name,
        action: serviceCreateCommand(form),
        name: form.name,
        hide: envValues,
      },
      async () => {
        const created = await link.request('write', (d) =>
          dial<{ ID: string }>(d, { path: '/services/create', method: 'POST', body: spec }),
        );
        serviceId = created.ID;
      },
    );
    return { serviceId };
  }
}
