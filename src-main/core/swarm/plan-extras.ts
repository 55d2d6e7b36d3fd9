import type { HostRecord, PlanFinding, PlanFindingCode, PlanRegistry, RegistryConfig, SwarmPlan } from '../../contract.js';
import { isPrivateAddress } from '../registry/registry-rules.js';

// The production steps a plan may add after the swarm is verified: the private registry,
// routine backups and the edge target list. Their services judge a config against the swarm
// as it is once it runs; these are the checks a plan can pass before anything exists, so the
// wizard shows them beside the fields instead of failing at the end of a run.

type Add = (severity: PlanFinding['severity'], code: PlanFindingCode, path: string, params?: Record<string, string>) => void;

/** A backup stops one manager: only with three or more do the others keep quorum meanwhile. */
export const BACKUP_MIN_MANAGERS = 3;

export function validateExtras(plan: SwarmPlan, hosts: HostRecord[], add: Add): void {
  const extras = plan.extras;
  if (!extras) return;
  const registry = extras.registry;
  if (registry) {
    const at = 'extras.registry';
    const planHost = plan.hosts.find((h) => h.host === registry.host);
    if (!planHost) add('error', 'REGISTRY_HOST_NOT_IN_PLAN', `${at}.host`, { host: registry.host });
    // A drained node runs no task: the registry's one replica, pinned there, would never start.
    else if (planHost.role === 'manager' && plan.dedicatedManagers)
      add('error', 'REGISTRY_HOST_DRAINED', `${at}.host`, { host: registry.host });
    // The deploy ends by pulling the pushed image on another node: one node cannot show that pulls work.
    if (plan.hosts.length < 2) add('error', 'REGISTRY_NEEDS_TWO_HOSTS', at);
    if (registry.network !== null && !plan.networks.some((n) => n.name === registry.network)) {
      add('error', 'REGISTRY_NETWORK_NOT_IN_PLAN', `${at}.network`, { network: registry.network });
    }
    if (registry.mode === 'insecure') {
      add('warning', 'REGISTRY_NO_TLS', `${at}.mode`);
      if (!registry.acknowledgeInsecure) add('error', 'REGISTRY_INSECURE_UNACKNOWLEDGED', `${at}.acknowledgeInsecure`);
      if (registry.username) add('error', 'REGISTRY_INSECURE_LOGIN', `${at}.username`);
      // Without an address of its own the registry is reached at the host's advertise address; an unset one is
      // only known once the host is read, and the registry's own rules judge it then.
      const address = registry.address ?? planHost?.advertiseAddress ?? null;
      if (address !== null && !isPrivateAddress(address)) {
        add('error', 'REGISTRY_INSECURE_PUBLIC', registry.address !== null ? `${at}.address` : at, { address });
      }
    }
  }
  const managers = plan.hosts.filter((h) => h.role === 'manager').length;
  if (extras.backups && managers < BACKUP_MIN_MANAGERS) {
    add('warning', 'BACKUPS_NEED_THREE_MANAGERS', 'extras.backups', { managers: String(managers) });
  }
  const names = new Set<string>();
  const paths = new Set<string>();
  (extras.pools ?? []).forEach((pool, i) => {
    if (names.has(pool.name)) add('error', 'POOL_NAME_TWICE', `extras.pools.${i}.name`, { pool: pool.name });
    if (paths.has(pool.path)) add('error', 'POOL_PATH_TWICE', `extras.pools.${i}.path`, { pool: pool.name, path: pool.path });
    names.add(pool.name);
    paths.add(pool.path);
  });
  const output = extras.edge?.output;
  if (output?.kind === 'ssh' && !hosts.some((h) => h.alias === output.host)) {
    add('error', 'EDGE_HOST_UNKNOWN', 'extras.edge.output.host', { host: output.host });
  }
}

/** The registry service's config once the swarm runs: the plan host's node, and its address when none is given. */
export function registryConfigOf(planned: PlanRegistry, nodeId: string, advertise: string): RegistryConfig {
  return {
    nodeId,
    port: planned.port,
    publish: planned.publish,
    image: planned.image,
    mode: planned.mode,
    address: planned.address ?? advertise,
    username: planned.username,
    acknowledgeInsecure: planned.acknowledgeInsecure,
    network: planned.network,
  };
}
