import type { KeychainStatus } from '../contract.js';
import type { ActivityLog } from './activity/activity-log.js';
import type { ClusterService } from './clusters/cluster-service.js';
import type { ManagerUnlocker } from './clusters/manager-unlocker.js';
import type { EventBus } from './events.js';
import type { SecretVault } from './keychain/secret-vault.js';
import type { Logger } from './logger.js';
import type { PromptBroker } from './prompts/prompt-broker.js';
import type { ClusterProfiles } from './store/cluster-profiles.js';
import type { HostRecords } from './store/host-records.js';
import type { PlanHosts } from './swarm/plan-hosts.js';
import type { TopologyService } from './topology/topology-service.js';

/** What the production services (backups, restore, registry) work with: the swarm, its hosts' shells, the keychain. */
export interface ProductionDeps {
  dataDir: string;
  clusters: ClusterService;
  profiles: ClusterProfiles;
  records: HostRecords;
  planHosts: PlanHosts;
  vault: SecretVault;
  keychain: () => KeychainStatus;
  prompts: PromptBroker;
  unlocker: ManagerUnlocker;
  activity: ActivityLog;
  events: EventBus;
  topology: TopologyService;
  logger: Logger;
}
