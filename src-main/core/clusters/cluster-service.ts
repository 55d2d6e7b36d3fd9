import type { ClusterConnection, ClusterProfile, HostRecord } from '../../contract.js';
import type { ClusterLink } from '../docker/cluster-link.js';
import type { ManagerUnlocker } from './manager-unlocker.js';
import { CoreError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { HostService } from '../hosts/host-service.js';
import type { ClusterProfiles } from '../store/cluster-profiles.js';
import type { HostRecords } from '../store/host-records.js';

/**
 * A cluster profile brought to life: its hosts (named as in Hosts) become one
 * ClusterLink that answers through whichever manager is up. Its state is pushed
 * to the renderer as `clusters:link`.
 */
export class ClusterService {
  private readonly links = new Map<string, { key: string; link: ClusterLink }>();

  constructor(
    private readonly profiles: ClusterProfiles,
    private readonly records: HostRecords,
    private readonly hosts: HostService,
    private readonly events: EventBus,
    private readonly unlocker: ManagerUnlocker,
  ) {}

  async connect(id: string): Promise<ClusterConnection> {
    const profile = this.profiles.list().find((c) => c.id === id);
    if (!profile) throw new CoreError('NOT_FOUND', `No cluster with id ${id}`, { params: { id } });
    const link = await this.linkFor(profile);
    const unlocked = await this.unlocker.unlockLocked(profile);
    const [nodes, status] = await link.request('read', async (docker) => [await docker.listNodes(), link.state] as const);
    return {
      manager: status.state === 'using' ? status.manager : '',
      nodes: nodes.length,
      managers: nodes.filter((n) => n.Spec?.Role === 'manager').length,
      unlocked,
    };
  }

  /** The cluster's link (opened on first use) and its profile, for the live model and the operations. */
  async linkOf(id: string): Promise<{ profile: ClusterProfile; link: ClusterLink }> {
    const profile = this.profiles.list().find((c) => c.id === id);
    if (!profile) throw new CoreError('NOT_FOUND', `No cluster with id ${id}`, { params: { id } });
    return { profile, link: await this.linkFor(profile) };
  }

  private async linkFor(profile: ClusterProfile): Promise<ClusterLink> {
    const records = profile.hosts.map((ref) => [ref, this.records.byAlias(ref)] as const);
    const missing = records.filter(([, record]) => !record).map(([ref]) => ref);
    if (missing.length > 0) {
      throw new CoreError('CLUSTER_HOSTS_UNKNOWN', `Not in Hosts: ${missing.join(', ')}`, { params: { hosts: missing.join(', ') } });
    }
    const resolved = records.map(([, record]) => record as HostRecord);
    // A profile or host edited since: start over with the new addresses.
    const key = JSON.stringify(resolved);
    const cached = this.links.get(profile.id);
    if (cached?.key === key) return cached.link;
    // Loaded on first use, like the rest of the Docker client: not part of start-up.
    const { ClusterLink } = await import('../docker/cluster-link.js');
    const link = new ClusterLink(resolved.map((record) => ({ name: record.alias, link: this.hosts.link(record) })));
    link.on('status', (status) => this.events.emit('clusters:link', { id: profile.id, ...status }));
    this.links.set(profile.id, { key, link });
    return link;
  }
}
