import type { AdoptInput, ClusterProfile, DiscoveredNode, DiscoveredSwarm, HostRecord } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import { CoreError } from '../errors.js';
import type { ClusterProfiles } from '../store/cluster-profiles.js';
import type { HostRecords } from '../store/host-records.js';
import { readEngineInfo } from '../swarm/host-facts.js';
import type { PlanHosts } from '../swarm/plan-hosts.js';
import { swarmApi, type SwarmNode } from '../swarm/swarm-api.js';

/**
 * "Connect an existing swarm": read its nodes through one manager, match them
 * to Hosts, save a profile. Nothing is changed on the swarm.
 */
export class Adoption {
  constructor(
    private readonly records: HostRecords,
    private readonly planHosts: PlanHosts,
    private readonly profiles: ClusterProfiles,
    private readonly activity: ActivityLog,
  ) {}

  async discover(via: string): Promise<DiscoveredSwarm> {
    const handle = this.planHosts.get(via);
    const info = await readEngineInfo(handle);
    const swarm = info.Swarm;
    if (swarm?.LocalNodeState === 'locked') throw new CoreError('SWARM_LOCKED', `${via} is locked (autolock)`, { params: { host: via } });
    if (swarm?.LocalNodeState !== 'active' || !swarm.ControlAvailable) {
      throw new CoreError('NOT_A_MANAGER', `${via} is not a manager of a swarm`, { params: { host: via } });
    }
    const nodes = await handle.docker.request('read', (d) => swarmApi.nodes(d));
    const records = this.records.list();
    return {
      swarmId: swarm.Cluster?.ID ?? '',
      via,
      nodes: nodes.map((node) => ({
        nodeId: node.ID,
        hostname: node.Description?.Hostname ?? '',
        role: node.Spec.Role === 'manager' ? 'manager' : 'worker',
        address: node.Status?.Addr ?? '',
        state: node.Status?.State ?? 'unknown',
        availability: node.Spec.Availability ?? 'active',
        leader: node.ManagerStatus?.Leader === true,
        host: node.ID === swarm.NodeID ? via : matchHost(node, records),
      })),
    };
  }

  async adopt(input: AdoptInput): Promise<ClusterProfile> {
    const found = await this.discover(input.via);
    const unknown = Object.values(input.mapping).filter((alias) => !this.records.byAlias(alias));
    if (unknown.length > 0)
      throw new CoreError('CLUSTER_HOSTS_UNKNOWN', `Not in Hosts: ${unknown.join(', ')}`, { params: { hosts: unknown.join(', ') } });
    const hostOf = (n: DiscoveredNode): string | null => input.mapping[n.nodeId] ?? n.host;
    // Managers first: the profile's hosts are tried in order to reach the swarm.
    const ordered = [...found.nodes.filter((n) => n.role === 'manager'), ...found.nodes.filter((n) => n.role === 'worker')];
    const hosts = [...new Set(ordered.map(hostOf).filter((h): h is string => h !== null))];
    const profile = await this.profiles.saveForSwarm({ name: input.name, hosts, swarmId: found.swarmId });
    const unmapped = ordered.filter((n) => hostOf(n) === null).map((n) => n.hostname);
    await this.activity.record({
      cluster: input.name,
      host: input.via,
      action: 'adopt existing swarm',
      result: 'ok',
      detail: `${found.nodes.length} nodes, ${hosts.length} mapped to hosts${unmapped.length ? `; not mapped: ${unmapped.join(', ')}` : ''}`,
    });
    return profile;
  }
}

/** By address first (the node's own, as the swarm sees it), then by hostname against a host's name or address. */
export function matchHost(node: SwarmNode, records: HostRecord[]): string | null {
  const address = node.Status?.Addr ?? node.ManagerStatus?.Addr?.replace(/:\d+$/, '');
  const byAddress = records.find((r) => address && r.address === address);
  if (byAddress) return byAddress.alias;
  const hostname = (node.Description?.Hostname ?? '').toLowerCase();
  if (!hostname) return null;
  const short = hostname.split('.')[0];
  const byName = records.find((r) => {
    const names = [r.alias.toLowerCase(), r.address.toLowerCase()];
    return names.includes(hostname) || names.some((n) => n.split('.')[0] === short);
  });
  return byName?.alias ?? null;
}
