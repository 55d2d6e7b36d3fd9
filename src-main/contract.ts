// The one API between the renderer and the core. Types and the method list only:
// the renderer imports this file with `import type`, the preload and the adapters
// import the method list. Every method takes at most one argument (an object) so
// that validation and transport stay uniform.

export type Theme = 'system' | 'light' | 'dark';
export type LocaleSetting = 'system' | 'en' | 'es';

/** A reference to an SSH host as an operator writes it: `[user@]host[:port]` or a ~/.ssh/config alias. */
export type HostRef = string;

export interface ClusterProfile {
  id: string;
  name: string;
  hosts: HostRef[];
  /** Docker's ID of the swarm, once known (made by the wizard, adopted, or connected). */
  swarmId: string | null;
  notes: string;
  createdAt: string;
  updatedAt: string;
}

export interface Settings {
  theme: Theme;
  locale: LocaleSetting;
}

/** Something the operator must know about, raised by the core without a request (e.g. a corrupt data file moved aside). */
export interface Notice {
  code: NoticeCode;
  params: Record<string, string>;
}
export type NoticeCode = 'STORE_CORRUPT_MOVED' | 'STORE_NEWER_VERSION';

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  dataDir: string;
  /** `electron` or `web`: which adapter the renderer is talking through. */
  mode: 'electron' | 'web';
  /** The OS locale where the host can tell (Electron); null in web mode, where the browser knows it. */
  systemLocale: string | null;
  notices: Notice[];
}

export interface CreateClusterInput {
  name: string;
  hosts?: HostRef[];
  notes?: string;
}

export interface RenameClusterInput {
  id: string;
  name: string;
}

export interface RemoveClusterInput {
  id: string;
}

export type SettingsPatch = Partial<Settings>;

export type AuthMethod = 'agent' | 'key' | 'password';

/** A server the app can reach over SSH, as the operator described it (or imported it from ~/.ssh/config). */
export interface HostRecord {
  id: string;
  /** The name the operator knows it by; jump hosts refer to each other by alias. */
  alias: string;
  address: string;
  port: number;
  user: string;
  /** Tried in this order. */
  auth: AuthMethod[];
  identityFile: string | null;
  /** ProxyJump: aliases of other host records, the first one reached directly. */
  jump: string[];
  tags: string[];
}

export type HostInput = Omit<HostRecord, 'id'> & { id?: string };

export type SwarmLocalState = 'inactive' | 'pending' | 'active' | 'error' | 'locked';

/** What "Test connection" found out. */
export interface HostTestResult {
  authMethod: AuthMethod;
  keyType: string;
  fingerprint: string;
  dockerVersion: string | null;
  swarm: { state: SwarmLocalState; clusterId: string | null; isManager: boolean } | null;
  /** Set when SSH worked but the Docker socket did not answer (e.g. the user is not in the docker group). */
  dockerError: ContractError | null;
}

/** How the app reaches a cluster now: which manager answers, or that none does. */
export type ClusterLinkStatus =
  | { id: string; state: 'using'; manager: string }
  | { id: string; state: 'searching' }
  | { id: string; state: 'no-manager'; tried: string[] };

export interface ClusterConnection {
  /** The host (by its name in Hosts) whose manager answers. */
  manager: string;
  nodes: number;
  managers: number;
  /** Managers found locked (autolock, after a restart) and unlocked with the key from the keychain. */
  unlocked: string[];
}

/** The live state of the app's SSH link to a host. */
export interface HostLinkStatus {
  id: string;
  state: 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'failed' | 'closed';
  error?: ContractError;
  retryInMs?: number;
}

export interface SshConfigCandidate {
  alias: string;
  address: string;
  port: number;
  user: string;
  identityFile: string | null;
  jump: string[];
  alreadyImported: boolean;
}

export type KeychainStatus = { status: 'available' } | { status: 'locked' | 'unavailable'; reason: string };

export interface HostKeyPrompt {
  promptId: string;
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
}

export interface SecretPrompt {
  promptId: string;
  kind: 'password' | 'passphrase' | 'unlockKey';
  /** `user@host:port` for passwords, the key file for passphrases, the manager's host for an unlock key. */
  target: string;
  /** Whether "remember in the keychain" can be offered. */
  canRemember: boolean;
}

// ---- Swarm setup: the plan, its validation, preflight and the bootstrap run ----

export type NodeRole = 'manager' | 'worker';

export interface PlanHost {
  /** The host's name (alias) in Hosts. */
  host: string;
  role: NodeRole;
  /** The address other nodes reach this one at; null means the address the app reaches it by. */
  advertiseAddress: string | null;
}

export interface PlanNetwork {
  name: string;
  /** An IPv4 CIDR, e.g. 10.0.9.0/24. */
  subnet: string;
  encrypted: boolean;
  attachable: boolean;
}

/** The swarm the wizard builds, as saved in a plan file (YAML). It never holds a secret. */
export interface SwarmPlan {
  name: string;
  hosts: PlanHost[];
  /** Docker's default address pool for networks; only settable at `swarm init`. null = Docker's own (10.0.0.0/8, /24). */
  addressPool: { subnets: string[]; subnetSize: number } | null;
  /** Drain the managers so that they run no workloads. */
  dedicatedManagers: boolean;
  autolock: boolean;
  networks: PlanNetwork[];
  /** Production steps run once the swarm is verified; absent (plans written before them) means none. */
  extras?: PlanExtras;
}

/** The private registry as a wizard step: pinned to a plan host, whose node is known once the swarm runs. */
export interface PlanRegistry {
  /** The plan host the replica is pinned to (its storage, a named volume, lives there). */
  host: string;
  port: number;
  publish: 'host' | 'ingress';
  image: string;
  mode: RegistryMode;
  /** The address every node pulls from; null: the host's advertise address. */
  address: string | null;
  /** TLS only: basic auth; the password is typed when the run starts and kept in the keychain, never in the plan. */
  username: string | null;
  acknowledgeInsecure: boolean;
  /** One of the plan's networks to attach the service to; null: none. */
  network: string | null;
}

/** Routine backups as a wizard step (the keychain key); `firstNow` takes the first backup at the end of the run. */
export interface PlanBackups {
  everyHours: number | null;
  keep: number;
  firstNow: boolean;
}

/** A node pool as a wizard step: its first-boot script is written to `path` (it holds a join token: 0600). */
export interface PlanPool extends NodePoolInput {
  path: string;
}

/** Optional steps of the plan after the swarm is verified, in this order; null (or absent pools): not in this plan. */
export interface PlanExtras {
  registry: PlanRegistry | null;
  backups: PlanBackups | null;
  edge: EdgeConfig | null;
  pools?: PlanPool[];
}

export type PlanFindingCode =
  | 'NAME_EMPTY'
  | 'NO_HOSTS'
  | 'HOST_UNKNOWN'
  | 'HOST_TWICE'
  | 'ADDRESS_TWICE'
  | 'ADVERTISE_INVALID'
  | 'NO_MANAGER'
  | 'MANAGERS_EVEN'
  | 'MANAGER_SINGLE'
  | 'MANAGERS_OVER_SEVEN'
  | 'DEDICATED_RECOMMENDED'
  | 'POOL_CIDR_INVALID'
  | 'POOL_SUBNET_SIZE_INVALID'
  | 'NETWORK_NAME_INVALID'
  | 'NETWORK_NAME_TWICE'
  | 'NETWORK_NAME_RESERVED'
  | 'SUBNET_INVALID'
  | 'SUBNET_NOT_24'
  | 'SUBNET_OVERLAPS_HOST'
  | 'SUBNET_OVERLAPS_GWBRIDGE'
  | 'SUBNET_OVERLAPS_POOL'
  | 'SUBNET_OVERLAPS_INGRESS'
  | 'SUBNET_OVERLAPS_NETWORK'
  | 'ENCRYPTED_NEEDS_ESP'
  | 'REGISTRY_HOST_NOT_IN_PLAN'
  | 'REGISTRY_NEEDS_TWO_HOSTS'
  | 'REGISTRY_HOST_DRAINED'
  | 'REGISTRY_NETWORK_NOT_IN_PLAN'
  | 'REGISTRY_INSECURE_UNACKNOWLEDGED'
  | 'REGISTRY_INSECURE_PUBLIC'
  | 'REGISTRY_INSECURE_LOGIN'
  | 'REGISTRY_NO_TLS'
  | 'BACKUPS_NEED_THREE_MANAGERS'
  | 'EDGE_HOST_UNKNOWN'
  | 'POOL_NAME_TWICE'
  | 'POOL_PATH_TWICE';

export interface PlanFinding {
  /** An error blocks the run; a warning does not; `acknowledgeable` errors run once the operator acknowledges them. */
  severity: 'error' | 'warning' | 'info';
  code: PlanFindingCode;
  /** Where in the plan: `hosts.2.role`, `networks.0.subnet`, `addressPool.subnets.0`… */
  path: string;
  params: Record<string, string>;
  acknowledgeable?: boolean;
}

export interface PlanValidation {
  findings: PlanFinding[];
  managers: number;
  /** floor((managers - 1) / 2): how many managers may fail with the swarm still managed. */
  tolerates: number;
  /** No error left (an acknowledged even count does not count). */
  runnable: boolean;
}

export type PreflightCheckId =
  | 'ssh'
  | 'docker'
  | 'dockerAccess'
  | 'sudo'
  | 'swarm'
  | 'hostname'
  | 'clock'
  | 'managerPort'
  | 'gossipPort'
  | 'udpPorts'
  | 'esp'
  | 'subnets';

export type CheckStatus = 'running' | 'pass' | 'warn' | 'fail' | 'info';

/** One line of the preflight checklist; `code` + `params` are worded (with the fix) by the renderer. */
export interface PreflightCheck {
  host: string;
  check: PreflightCheckId;
  status: CheckStatus;
  code: string;
  params: Record<string, string>;
}

/** What the app learnt about a host: shown in the wizard to pick the advertise address. */
export interface HostFacts {
  host: string;
  hostname: string;
  /** The host's own address on the link the app reaches it by (from SSH_CONNECTION). */
  reachedAt: string;
  interfaces: { name: string; address: string; prefix: number }[];
  dockerVersion: string | null;
  swarm: { state: SwarmLocalState; clusterId: string | null; nodeId: string | null; isManager: boolean } | null;
}

export interface PreflightReport {
  checks: PreflightCheck[];
  facts: HostFacts[];
  /** No check failed. */
  passed: boolean;
}

export type BootstrapStepId =
  'init' | 'joinManager' | 'joinWorkers' | 'drainManagers' | 'networks' | 'verify' | 'registry' | 'backups' | 'edge' | 'pools';

/** One operation the bootstrap will perform, as Docker's CLI would spell it (no secret in it). */
export interface PlannedOperation {
  step: BootstrapStepId;
  host: string | null;
  command: string;
  /** An operation that is not one Docker command (a production step): worded by the renderer; `command` may be ''. */
  code?: string;
  params?: Record<string, string>;
}

export type StepState = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'cancelled';

export interface BootstrapStepStatus {
  index: number;
  step: BootstrapStepId;
  host: string | null;
  state: StepState;
  /** Why it was skipped, or what it found; worded by the renderer. */
  code?: string;
  params?: Record<string, string>;
  error?: ContractError;
}

export interface BootstrapOutcome {
  runId: string;
  state: 'done' | 'failed' | 'cancelled';
  /** The cluster profile made (or updated) for this swarm, once the swarm exists. */
  clusterId: string | null;
  error?: ContractError;
  /** Set when autolock is on: the key can be revealed once with `setup.revealUnlockKey`. */
  unlockKeyReady: boolean;
  summary: { nodes: number; managers: number; leader: string | null; networks: string[] } | null;
}

export interface DiscoveredNode {
  nodeId: string;
  hostname: string;
  role: NodeRole;
  address: string;
  state: string;
  availability: string;
  leader: boolean;
  /** The host in Hosts this node was matched to (by address, then hostname), or null. */
  host: string | null;
}

export interface DiscoveredSwarm {
  swarmId: string;
  via: string;
  nodes: DiscoveredNode[];
}

export interface AdoptInput {
  name: string;
  via: string;
  /** Node ID → host alias, for the nodes discovery could not match (or the operator corrected). */
  mapping: Record<string, string>;
}

/** One line of the activity log: what the app did to a swarm, and how it ended. Never a secret. */
export interface ActivityEntry {
  id: string;
  time: string;
  cluster: string;
  host: string | null;
  action: string;
  result: 'ok' | 'failed' | 'unknown';
  detail: string;
}

// ---- Day two: the live topology of a swarm, its health, and operations ----

export interface TopologyNode {
  id: string;
  hostname: string;
  role: NodeRole;
  leader: boolean;
  /** Managers only: as raft sees them. */
  reachability: 'reachable' | 'unreachable' | 'unknown' | null;
  availability: 'active' | 'pause' | 'drain';
  state: 'ready' | 'down' | 'unknown' | 'disconnected';
  engine: string;
  address: string;
  labels: Record<string, string>;
  nanoCpus: number;
  memoryBytes: number;
}

export interface PublishedPort {
  published: number;
  target: number;
  protocol: string;
  mode: 'ingress' | 'host';
}

export interface TopologyService {
  id: string;
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  /** Replicated: the replica count asked for; global: null (one per eligible node). */
  replicas: number | null;
  /** Tasks running now. */
  running: number;
  /** Tasks that should be running (replicas, or eligible nodes for a global service). */
  desired: number;
  ports: PublishedPort[];
  /** Network IDs the service is attached to. */
  networks: string[];
  /** Docker's UpdateStatus.State (updating, completed, paused, rollback_started…) or null. */
  updateState: string | null;
  /** The stack it belongs to (label com.docker.stack.namespace), or null. */
  stack: string | null;
}

export interface TopologyTask {
  id: string;
  serviceId: string;
  nodeId: string | null;
  slot: number | null;
  /** Docker's task state: new, pending, assigned, preparing, starting, running, complete, shutdown, failed, rejected, orphaned… */
  state: string;
  desiredState: string;
  message: string;
  error: string | null;
  containerId: string | null;
  updatedAt: string;
}

export interface TopologyNetwork {
  id: string;
  name: string;
  driver: string;
  scope: string;
  subnet: string | null;
  encrypted: boolean;
  attachable: boolean;
  ingress: boolean;
}

export type HealthWarningCode =
  | 'QUORUM_LOST'
  | 'MANAGERS_UNREACHABLE'
  | 'MANAGERS_EVEN'
  | 'MANAGER_SINGLE'
  | 'MANAGERS_RUN_WORKLOADS'
  | 'NODES_DOWN'
  | 'ENGINE_SKEW'
  | 'TOKENS_NOT_ROTATED'
  | 'AUTOLOCK_OFF'
  | 'BACKUP_MISSING'
  | 'BACKUP_STALE'
  | 'REGISTRY_INSECURE';

export interface HealthWarning {
  code: HealthWarningCode;
  params: Record<string, string>;
}

export interface SwarmHealth {
  managers: number;
  /** Managers raft can reach now. */
  reachable: number;
  /** Failures the swarm's manager count can tolerate, floor((managers - 1) / 2). */
  tolerates: number;
  /** Further failures it can take now, with the unreachable ones already counted. */
  toleratesNow: number;
  /** The leader's hostname, or null while there is none. */
  leader: string | null;
  autolock: boolean;
  warnings: HealthWarning[];
}

export interface TopologySnapshot {
  clusterId: string;
  swarmId: string;
  /** Increases with every diff; a diff that does not follow the version held means: ask for a snapshot again. */
  version: number;
  nodes: TopologyNode[];
  services: TopologyService[];
  tasks: TopologyTask[];
  networks: TopologyNetwork[];
  health: SwarmHealth;
}

export interface EntityDiff<T> {
  upsert: T[];
  remove: string[];
}

export interface TopologyDiff {
  clusterId: string;
  version: number;
  nodes?: EntityDiff<TopologyNode>;
  services?: EntityDiff<TopologyService>;
  tasks?: EntityDiff<TopologyTask>;
  networks?: EntityDiff<TopologyNetwork>;
  health?: SwarmHealth;
}

export interface ExecSession {
  sessionId: string;
  /** The host (in Hosts) whose Docker runs the container, and the container's short ID. */
  host: string;
  container: string;
}

export type RotationTarget = 'workerToken' | 'managerToken' | 'unlockKey' | 'ca';

export interface LogLine {
  /** `service.slot` (or the task ID for a global service) and the node's hostname, as `docker service logs` prefixes them. */
  task: string;
  node: string;
  stream: 'stdout' | 'stderr';
  time: string;
  text: string;
}

/** How a service's tasks are replaced on update, or put back on rollback (`--update-*` / `--rollback-*`). */
export interface UpdatePolicy {
  parallelism: number;
  delaySeconds: number;
  failureAction: 'pause' | 'continue' | 'rollback';
  order: 'stop-first' | 'start-first';
}

export interface ServicePortInput {
  target: number;
  /** null: Docker picks a port (ingress mode only). */
  published: number | null;
  protocol: 'tcp' | 'udp';
  mode: 'ingress' | 'host';
}

export interface ServiceMountInput {
  type: 'volume' | 'bind' | 'tmpfs';
  source: string;
  target: string;
  readOnly: boolean;
}

/** What `docker service create` takes, as the service form fills it in. */
export interface ServiceCreateInput {
  clusterId: string;
  name: string;
  image: string;
  mode: 'replicated' | 'global';
  /** Ignored for a global service. */
  replicas: number;
  /** Arguments after the image; empty keeps the image's own command. */
  args: string[];
  ports: ServicePortInput[];
  /** Network names or IDs. */
  networks: string[];
  /** `KEY=value` lines. */
  env: string[];
  mounts: ServiceMountInput[];
  /** Placement constraints as Docker spells them, e.g. `node.labels.zone==a`. */
  constraints: string[];
  update: UpdatePolicy;
  rollback: UpdatePolicy;
}

/** A stack: the services, networks, secrets and configs labelled `com.docker.stack.namespace=<name>`. */
export interface StackSummary {
  name: string;
  services: string[];
  networks: string[];
  secrets: string[];
  configs: string[];
}

/** Something in a compose file that a deploy would not honour, or that is wrong, with where it is. */
export interface ComposeFinding {
  severity: 'error' | 'unsupported';
  /** Dotted path in the file, e.g. `services.web.build`. */
  path: string;
  code: 'COMPOSE_INVALID' | 'COMPOSE_UNSUPPORTED';
  message: string;
}

/** What a deploy of this compose file would do now; nothing has run. */
export interface StackCheck {
  name: string;
  findings: ComposeFinding[];
  /** Full names, as they will be in the swarm (`<stack>_<name>`), and whether each exists already. */
  services: { name: string; exists: boolean }[];
  networks: { name: string; exists: boolean; external: boolean }[];
  volumes: string[];
  secrets: { name: string; exists: boolean; external: boolean }[];
  configs: { name: string; exists: boolean; external: boolean }[];
  /** False while any finding is an error. */
  deployable: boolean;
}

export interface StackDeployResult {
  created: string[];
  updated: string[];
  /** Keys that were skipped, as the check listed them. */
  unsupported: ComposeFinding[];
}

/** A secret's or config's metadata; a secret's value never leaves the core, and is never read back. */
export interface SwarmObjectSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  labels: Record<string, string>;
  /** Names of the services that use it (Docker refuses to remove it while any does). */
  usedBy: string[];
}

export type NodeRemovalStep = 'drain' | 'wait' | 'demote' | 'leave' | 'remove';

export interface NodeRemovalProgress {
  clusterId: string;
  nodeId: string;
  step: NodeRemovalStep;
  state: 'running' | 'done' | 'skipped' | 'failed';
  /** For `wait`: the tasks still on the node; for a failure: why. */
  detail: string;
}

export interface RotationProgress {
  clusterId: string;
  what: RotationTarget;
  state: 'running' | 'done' | 'failed';
  /** Nodes that carry a certificate from the new root, of all nodes (CA rotation only; 0 of 0 otherwise). */
  done: number;
  total: number;
}

// ---- Edge load balancer: the nodes that should receive traffic, written where a proxy reads them ----

export type EdgeFormat = 'plain' | 'nginx' | 'haproxy' | 'json';

/** Only nodes carrying this label; `value: null` accepts any value of the key. */
export interface EdgeLabelFilter {
  key: string;
  value: string | null;
}

/**
 * Where the list goes: a file on this workstation, or a file on a proxy host (in Hosts) over SSH followed by a
 * reload command, given as an argument list (each argument quoted; no shell unless the operator writes `sh -c`).
 */
export type EdgeOutput =
  { kind: 'file'; path: string } | { kind: 'ssh'; host: string; path: string; reload: string[] | null; sudo: boolean };

export interface EdgeConfig {
  /** The port the proxy sends traffic to on every node (usually a published ingress port). */
  port: number;
  label: EdgeLabelFilter | null;
  format: EdgeFormat;
  /** The nginx upstream's or HAProxy backend's name (also in the JSON). */
  name: string;
  output: EdgeOutput;
}

export interface EdgeTarget {
  nodeId: string;
  hostname: string;
  address: string;
  port: number;
}

export interface EdgeWrite {
  at: string;
  targets: number;
  error?: ContractError;
}

export interface EdgeState {
  clusterId: string;
  /** null: never configured. */
  config: EdgeConfig | null;
  /** False after `disable`: the config is kept for the next `configure`, nothing follows the nodes. */
  enabled: boolean;
  /** The last write (or failed attempt) since the app started. */
  lastWrite: EdgeWrite | null;
}

/** A reverse proxy inside the swarm, global on the nodes with the edge label; the image is the operator's. */
export interface EdgeProxyStackInput {
  image: string;
  label: { key: string; value: string };
  ports: { published: number; target: number }[];
  /** The overlay network the proxy shares with the services it fronts. */
  network: string;
}

// ---- Node pools: first-boot scripts for autoscaling groups ----

export interface NodePoolInput {
  /** Lowercase word; the script marks the engine with `swarmdeck.pool=<name>`. */
  name: string;
  role: NodeRole;
  /** Node labels for the pool's nodes (applied by the app when a node appears). */
  labels: Record<string, string>;
  /**
   * The autoscaling group's desired size, as set in the cloud; null: not said. The app compares the pool's nodes with
   * it, and an even size for a manager pool is flagged (an even count of managers tolerates no more failures).
   */
  targetSize: number | null;
}

/** A pool script written to a file; what it was made from is kept as hashes, never the token. */
export interface PoolScriptInfo {
  pool: string;
  role: NodeRole;
  labels: Record<string, string>;
  path: string;
  generatedAt: string;
  /** The managers (`addr:2377`) the script tries, in order. */
  managers: string[];
  targetSize: number | null;
  /** Empty: the script still fits the swarm. `token`: the join token rotated since; `managers`: the managers changed. */
  stale: ('token' | 'managers')[];
  /** The nodes whose engine says they came from this pool: what a scale-in removes (with `nodes.remove`). */
  nodes: { id: string; hostname: string; role: NodeRole; state: string; availability: string }[];
}

// ---- Backups of the swarm state (the raft data of a manager), and restore ----

/** `keychain`: a random 256-bit key per cluster kept in the keychain; `passphrase`: typed at each backup and restore. */
export type BackupEncryption = 'keychain' | 'passphrase';

export interface BackupSchedule {
  /** Hours between routine backups while the app runs; null: by hand only. Routine backups use the keychain key. */
  everyHours: number | null;
  /** Archives kept per cluster; older ones are deleted after a backup succeeds. */
  keep: number;
}

/** A manager as the backup and restore steps name it: its node, and the Hosts alias the app reaches it through. */
export interface BackupNodeRef {
  id: string;
  hostname: string;
  host: string;
}

/** One archive on this workstation, with its manifest (kept beside it, never holding a secret). */
export interface BackupRecord {
  id: string;
  clusterId: string;
  /** The encrypted archive's path. */
  file: string;
  createdAt: string;
  /** Docker's cluster ID of the swarm. */
  swarmId: string;
  node: BackupNodeRef;
  dockerVersion: string;
  /** Size of the encrypted file. */
  bytes: number;
  /** SHA-256 of the plain tar of /var/lib/docker/swarm, checked on restore. */
  sha256: string;
  encryption: BackupEncryption;
  durationMs: number;
  /** Managers the swarm had: a restore re-adds managers up to this count. */
  managers: number;
  autolock: boolean;
}

export type BackupWarning = 'SINGLE_MANAGER' | 'UNLOCK_KEY_MISSING';

/** Which manager a backup would stop now, or why none may be stopped. */
export interface BackupCheck {
  node: BackupNodeRef | null;
  /** Set when the backup is refused (quorum, only the leader left, the node not in Hosts). */
  refused: ContractError | null;
  warnings: BackupWarning[];
  autolock: boolean;
}

export interface BackupState {
  clusterId: string;
  schedule: BackupSchedule;
  /** Newest first. */
  backups: BackupRecord[];
  running: boolean;
  /** When the next routine backup is due; null without a schedule. */
  nextAt: string | null;
  /** The last routine or manual backup that failed, until one succeeds. */
  lastFailure: { at: string; error: ContractError } | null;
}

export type BackupStep = 'check' | 'unlock-key' | 'stop' | 'archive' | 'start' | 'unlock' | 'reachable' | 'encrypt' | 'retention';

export interface BackupProgress {
  clusterId: string;
  step: BackupStep;
  state: 'running' | 'done' | 'failed' | 'skipped';
  detail?: string;
  error?: ContractError;
}

export type RestoreStep =
  'open' | 'stop' | 'replace' | 'start' | 'unlock' | 'force-new-cluster' | 'services' | 'rotate-unlock-key' | 'add-managers';

/** What a restore onto a host would destroy and do, read from the host now; changes nothing. */
export interface RestoreCheck {
  backup: BackupRecord;
  host: string;
  /** The host's Docker engine as it is: in a swarm (which, as what) or not; its swarm state and containers are lost. */
  current: { swarmId: string | null; nodeId: string | null; role: NodeRole | null; containers: number; swarmDirBytes: number | null };
  steps: RestoreStep[];
  /** Hosts (aliases) that can join as the re-added managers: reachable, Docker running, not in another swarm. */
  candidates: string[];
}

export interface RestoreProgress {
  backupId: string;
  step: RestoreStep;
  state: 'running' | 'done' | 'failed' | 'skipped';
  detail?: string;
  error?: ContractError;
}

export interface RestoreOutcome {
  /** The cluster profile now pointing at the restored swarm. */
  clusterId: string;
  services: number;
  managers: string[];
}

// ---- Private registry ----

/** `tls`: a CA and server certificate made by the app (recommended); `insecure`: plain HTTP inside a private network. */
export type RegistryMode = 'tls' | 'insecure';

export interface RegistryConfig {
  /** The node the single replica is pinned to (its storage, a named volume, lives there). */
  nodeId: string;
  port: number;
  publish: 'host' | 'ingress';
  image: string;
  mode: RegistryMode;
  /** The address every node pulls from (an IP or name of the registry's node): `<address>:<port>/repo`. */
  address: string;
  /** TLS only: basic auth (htpasswd, bcrypt); the password is in the keychain. */
  username: string | null;
  /** Insecure only: the operator accepted that anyone on the path can read and alter images. */
  acknowledgeInsecure: boolean;
  /** An overlay network of the cluster to attach the service to; null: none. */
  network: string | null;
}

export type RegistryStep =
  'check' | 'certificates' | 'secrets' | 'ca-copy' | 'daemon-json' | 'restart' | 'service' | 'verify-push' | 'verify-pull' | 'verify-run';

export interface RegistryPlanStep {
  step: RegistryStep;
  /** The host (alias) or node it touches; null for the swarm. */
  target: string | null;
  /** Set when the step will be skipped, and why (e.g. a node not in Hosts cannot get the CA copied). */
  warning?: string;
}

/** What a deploy would do, in order (the rolling restart's order included); nothing runs. */
export interface RegistryPlan {
  endpoint: string;
  steps: RegistryPlanStep[];
  refused: ContractError | null;
}

export interface RegistryProgress {
  clusterId: string;
  step: RegistryStep;
  target: string | null;
  state: 'running' | 'done' | 'failed' | 'skipped';
  detail?: string;
  error?: ContractError;
}

export interface RegistryStatus {
  clusterId: string;
  /** null: no registry deployed by the app. */
  config: RegistryConfig | null;
  /** `<address>:<port>`. */
  endpoint: string | null;
  service: { id: string; running: number; desired: number; node: string | null } | null;
  /** Repositories and their tags, from the registry's own API; null with `catalogError` when it does not answer. */
  catalog: { repository: string; tags: string[] }[] | null;
  catalogError: ContractError | null;
  verifiedAt: string | null;
  /** TLS: when the server certificate expires. */
  certificateExpires: string | null;
  /** The command that frees the space of deleted images (run on the registry's node; the registry is read-only meanwhile). */
  garbageCollect: string | null;
}

export interface Contract {
  app: {
    info(): Promise<AppInfo>;
  };
  clusters: {
    list(): Promise<ClusterProfile[]>;
    create(input: CreateClusterInput): Promise<ClusterProfile>;
    rename(input: RenameClusterInput): Promise<ClusterProfile>;
    remove(input: RemoveClusterInput): Promise<void>;
    /** Reaches the swarm through the first of the profile's hosts whose manager answers. */
    connect(input: { id: string }): Promise<ClusterConnection>;
    /** Reads an existing swarm's nodes through one of its managers and matches them to Hosts. */
    discover(input: { via: string }): Promise<DiscoveredSwarm>;
    /** Saves a profile for an existing swarm; nothing runs on the swarm. */
    adopt(input: AdoptInput): Promise<ClusterProfile>;
  };
  topology: {
    /** Starts (or joins) the live model of a cluster: the snapshot now, then `topology:diff` events. */
    watch(input: { clusterId: string }): Promise<TopologySnapshot>;
    unwatch(input: { clusterId: string }): Promise<void>;
  };
  nodes: {
    setAvailability(input: { clusterId: string; nodeId: string; availability: 'active' | 'pause' | 'drain' }): Promise<void>;
    /** Demotion is refused (QUORUM_GUARD) when it would leave the swarm without a manager or without quorum, unless `override`. */
    setRole(input: { clusterId: string; nodeId: string; role: NodeRole; override: boolean }): Promise<void>;
    setLabels(input: { clusterId: string; nodeId: string; labels: Record<string, string> }): Promise<void>;
    /**
     * Removes a node safely: drain, wait for its tasks to move, demote a manager (with the quorum guard, unless
     * `override`), `docker swarm leave` on the node over SSH, then `docker node rm`. Progress as `nodes:removal`.
     */
    remove(input: { clusterId: string; nodeId: string; override: boolean }): Promise<void>;
  };
  swarm: {
    /**
     * Rotates a join token, the unlock key (the old key is kept in the keychain as the previous one) or the
     * swarm's root CA (`docker swarm ca --rotate`); the new values never leave the core.
     */
    rotate(input: { clusterId: string; what: RotationTarget }): Promise<void>;
  };
  exec: {
    /**
     * An interactive shell in a running task's container, through that node's own Docker socket over SSH (the
     * node must be in Hosts). Output comes as `exec:output`; the session ends with `exec:ended`.
     */
    open(input: { clusterId: string; taskId: string; cols: number; rows: number }): Promise<ExecSession>;
    input(input: { sessionId: string; data: string }): Promise<void>;
    resize(input: { sessionId: string; cols: number; rows: number }): Promise<void>;
    close(input: { sessionId: string }): Promise<void>;
  };
  services: {
    create(input: ServiceCreateInput): Promise<{ serviceId: string }>;
    /** A rolling update to a new image, honouring the service's update config; progress shows in the map. */
    updateImage(input: { clusterId: string; serviceId: string; image: string }): Promise<void>;
    scale(input: { clusterId: string; serviceId: string; replicas: number }): Promise<void>;
    rollback(input: { clusterId: string; serviceId: string }): Promise<void>;
    /** `docker service update --force`: restarts every task, honouring the update config. */
    forceRestart(input: { clusterId: string; serviceId: string }): Promise<void>;
    remove(input: { clusterId: string; serviceId: string }): Promise<void>;
    /** Streams a service's logs across its tasks and nodes as `logs:lines`; returns the stream's ID. */
    logs(input: { clusterId: string; serviceId: string; follow: boolean; tail: number }): Promise<{ streamId: string }>;
    stopLogs(input: { streamId: string }): Promise<void>;
  };
  stacks: {
    list(input: { clusterId: string }): Promise<StackSummary[]>;
    /** Parses and validates a compose file and says what a deploy would do now; changes nothing. */
    check(input: { clusterId: string; name: string; compose: string }): Promise<StackCheck>;
    /** `docker stack deploy`: refused while the check has errors; unsupported keys are skipped and listed. */
    deploy(input: { clusterId: string; name: string; compose: string }): Promise<StackDeployResult>;
    /** `docker stack rm`: the stack's services, then its networks, secrets and configs. */
    remove(input: { clusterId: string; name: string }): Promise<{ removed: string[] }>;
  };
  secrets: {
    list(input: { clusterId: string }): Promise<SwarmObjectSummary[]>;
    /** The value travels once, from the operator to the swarm; it is never logged or read back. */
    create(input: { clusterId: string; name: string; value: string; labels: Record<string, string> }): Promise<{ id: string }>;
    remove(input: { clusterId: string; id: string }): Promise<void>;
  };
  configs: {
    list(input: { clusterId: string }): Promise<SwarmObjectSummary[]>;
    create(input: { clusterId: string; name: string; value: string; labels: Record<string, string> }): Promise<{ id: string }>;
    remove(input: { clusterId: string; id: string }): Promise<void>;
  };
  activity: {
    list(input: { cluster?: string }): Promise<ActivityEntry[]>;
  };
  setup: {
    validate(input: { plan: SwarmPlan; acknowledgeEvenManagers: boolean }): Promise<PlanValidation>;
    exportPlan(input: { plan: SwarmPlan }): Promise<{ yaml: string }>;
    importPlan(input: { yaml: string }): Promise<SwarmPlan>;
    /** Connects to the hosts (asking what must be asked) and reads what the wizard shows about them. */
    hostFacts(input: { hosts: string[] }): Promise<HostFacts[]>;
    /** Runs every check on every host in parallel; each line is also pushed live as `setup:check`. */
    preflight(input: { plan: SwarmPlan }): Promise<PreflightReport>;
    /** The exact operations a run would perform now, in order. */
    review(input: { plan: SwarmPlan }): Promise<PlannedOperation[]>;
    /** Starts the bootstrap; progress comes as `setup:step`, `setup:log` and `setup:finished`. */
    /** `registryPassword`: the registry login's password when the plan's registry has a username (kept in the keychain). */
    run(input: {
      plan: SwarmPlan;
      acknowledgeEvenManagers: boolean;
      registryPassword?: string;
    }): Promise<{ runId: string; steps: BootstrapStepStatus[] }>;
    /** Stops between steps; the next run resumes from what is there. */
    cancel(input: { runId: string }): Promise<void>;
    /** The unlock key of an autolocked swarm just made, once: it is in the keychain, and the operator should keep a copy elsewhere. */
    revealUnlockKey(input: { runId: string }): Promise<{ unlockKey: string }>;
  };
  settings: {
    get(): Promise<Settings>;
    update(patch: SettingsPatch): Promise<Settings>;
  };
  hosts: {
    list(): Promise<HostRecord[]>;
    save(input: HostInput): Promise<HostRecord>;
    remove(input: { id: string }): Promise<void>;
    test(input: { id: string }): Promise<HostTestResult>;
    /** Forgets the host's key in the app's known_hosts, after a warning in the UI. */
    forgetHostKey(input: { id: string }): Promise<{ removed: number; remainingInUserFiles: number }>;
    readSshConfig(): Promise<SshConfigCandidate[]>;
    importSshConfig(input: { aliases: string[] }): Promise<HostRecord[]>;
  };
  prompts: {
    answerHostKey(input: { promptId: string; accept: boolean }): Promise<void>;
    /** The one place a secret travels: from the operator's keyboard to the core, never back. */
    answerSecret(input: { promptId: string; secret: string | null; remember: boolean }): Promise<void>;
  };
  keychain: {
    status(): Promise<KeychainStatus>;
  };
  edge: {
    get(input: { clusterId: string }): Promise<EdgeState>;
    /** Saves the config and follows the live model; the output is rewritten whenever the rendered text changes. */
    configure(input: { clusterId: string; config: EdgeConfig }): Promise<EdgeState>;
    /** The text and targets the saved config gives now; writes nothing. */
    preview(input: { clusterId: string; config?: EdgeConfig }): Promise<{ text: string; targets: EdgeTarget[] }>;
    /** Stops following; the output file is left as it is. */
    disable(input: { clusterId: string }): Promise<EdgeState>;
    /** A compose file for a proxy stack in global mode on the edge nodes, to check and deploy in Stacks; changes nothing. */
    proxyStack(input: EdgeProxyStackInput): Promise<{ compose: string }>;
  };
  backups: {
    get(input: { clusterId: string }): Promise<BackupState>;
    /** Which manager a backup would stop, or why it is refused; changes nothing. */
    check(input: { clusterId: string; nodeId?: string }): Promise<BackupCheck>;
    /**
     * Stops Docker on a manager whose stop keeps quorum (never the leader), archives /var/lib/docker/swarm over SSH,
     * starts and unlocks it, waits until it is Reachable, and encrypts the archive here. Progress as `backups:progress`.
     * The passphrase (encryption `passphrase`) travels once to the core and is never stored.
     */
    run(input: {
      clusterId: string;
      nodeId?: string;
      acknowledgeSingleManager: boolean;
      encryption: BackupEncryption;
      passphrase?: string;
    }): Promise<BackupRecord>;
    configure(input: { clusterId: string; schedule: BackupSchedule }): Promise<BackupState>;
    /** Deletes the archive and its manifest from this workstation. */
    remove(input: { clusterId: string; backupId: string }): Promise<void>;
  };
  restore: {
    /** Opens the archive (passphrase, checksum) and reads what the host has now; changes nothing. */
    check(input: { clusterId: string; backupId: string; host: string; passphrase?: string }): Promise<RestoreCheck>;
    /**
     * Replaces the host's swarm state with the backup, `swarm init --force-new-cluster`, checks that the services are
     * back, rotates the unlock key, then joins `managers` as managers. `confirm` must be the host's alias, as typed.
     */
    run(input: {
      clusterId: string;
      backupId: string;
      host: string;
      passphrase?: string;
      managers: string[];
      confirm: string;
    }): Promise<RestoreOutcome>;
  };
  registry: {
    status(input: { clusterId: string }): Promise<RegistryStatus>;
    /** The steps a deploy would run now, or why it is refused; changes nothing. */
    plan(input: { clusterId: string; config: RegistryConfig }): Promise<RegistryPlan>;
    /** Runs the plan; progress as `registry:step`; ends with a push, a pull on another node and a service run. */
    deploy(input: { clusterId: string; config: RegistryConfig; password?: string }): Promise<RegistryStatus>;
  };
  pools: {
    /**
     * Writes the pool's first-boot (cloud-init user-data) script to a local file readable by the operator only. The
     * script holds the role's join token, a secret: it goes to the file, never to the renderer.
     */
    writeUserData(input: { clusterId: string; pool: NodePoolInput; path: string }): Promise<PoolScriptInfo>;
    /** The scripts written for the cluster, each checked against the swarm's current token and managers. */
    status(input: { clusterId: string }): Promise<PoolScriptInfo[]>;
  };
}

/** Events pushed from the core to the renderer. */
export interface ContractEvents {
  'clusters:changed': { clusters: ClusterProfile[] };
  'settings:changed': { settings: Settings };
  'hosts:changed': { hosts: HostRecord[] };
  'hosts:link': HostLinkStatus;
  'clusters:link': ClusterLinkStatus;
  'prompt:hostKey': HostKeyPrompt;
  'prompt:secret': SecretPrompt;
  /** A prompt that timed out or was answered elsewhere (another window). */
  'prompt:closed': { promptId: string };
  'setup:check': PreflightCheck;
  'setup:step': BootstrapStepStatus & { runId: string };
  'setup:log': { runId: string; line: string };
  'setup:finished': BootstrapOutcome;
  'activity:added': ActivityEntry;
  'topology:diff': TopologyDiff;
  /** The live model stopped (no manager answers, quorum lost…); it resumes on its own and sends a new snapshot. */
  'topology:status': { clusterId: string; state: 'live' | 'stale'; error?: ContractError };
  'logs:lines': { streamId: string; lines: LogLine[] };
  'logs:ended': { streamId: string; error?: ContractError };
  /** Terminal output, base64: a TTY's bytes need not be whole UTF-8 characters at a chunk's edge. */
  'exec:output': { sessionId: string; data: string };
  'exec:ended': { sessionId: string; error?: ContractError };
  'nodes:removal': NodeRemovalProgress;
  'swarm:rotation': RotationProgress;
  /** The edge target list was written (or the write failed: `error`). */
  'edge:written': { clusterId: string; targets: number; at: string; error?: ContractError };
  'backups:progress': BackupProgress;
  /** The backup list or schedule changed (a routine backup ran, one was removed). */
  'backups:changed': BackupState;
  'restore:step': RestoreProgress;
  'registry:step': RegistryProgress;
}
export type EventName = keyof ContractEvents;
export const EVENT_NAMES = [
  'clusters:changed',
  'settings:changed',
  'hosts:changed',
  'hosts:link',
  'clusters:link',
  'prompt:hostKey',
  'prompt:secret',
  'prompt:closed',
  'setup:check',
  'setup:step',
  'setup:log',
  'setup:finished',
  'activity:added',
  'topology:diff',
  'topology:status',
  'logs:lines',
  'logs:ended',
  'exec:output',
  'exec:ended',
  'nodes:removal',
  'swarm:rotation',
  'edge:written',
  'backups:progress',
  'backups:changed',
  'restore:step',
  'registry:step',
] as const satisfies readonly EventName[];

type MethodPaths<C> = {
  [N in keyof C & string]: { [M in keyof C[N] & string]: `${N}.${M}` }[keyof C[N] & string];
}[keyof C & string];

/** `"clusters.create"` and so on. */
export type MethodName = MethodPaths<Contract>;

type Split<P extends string> = P extends `${infer N}.${infer M}` ? [N, M] : never;
type MethodOf<P extends MethodName> =
  Split<P> extends [infer N extends keyof Contract, infer M extends string]
    ? M extends keyof Contract[N]
      ? Contract[N][M]
      : never
    : never;

export type MethodInput<P extends MethodName> =
  MethodOf<P> extends (...args: infer A) => unknown ? (A extends [infer I] ? I : undefined) : never;
export type MethodOutput<P extends MethodName> = MethodOf<P> extends (...args: never[]) => infer R ? Awaited<R> : never;

export const METHOD_NAMES = [
  'app.info',
  'clusters.list',
  'clusters.create',
  'clusters.rename',
  'clusters.remove',
  'clusters.connect',
  'clusters.discover',
  'clusters.adopt',
  'setup.validate',
  'setup.exportPlan',
  'setup.importPlan',
  'setup.hostFacts',
  'setup.preflight',
  'setup.review',
  'setup.run',
  'setup.cancel',
  'setup.revealUnlockKey',
  'activity.list',
  'topology.watch',
  'topology.unwatch',
  'nodes.setAvailability',
  'nodes.setRole',
  'nodes.setLabels',
  'nodes.remove',
  'swarm.rotate',
  'exec.open',
  'exec.input',
  'exec.resize',
  'exec.close',
  'services.create',
  'services.updateImage',
  'services.scale',
  'services.rollback',
  'services.forceRestart',
  'services.remove',
  'services.logs',
  'services.stopLogs',
  'stacks.list',
  'stacks.check',
  'stacks.deploy',
  'stacks.remove',
  'secrets.list',
  'secrets.create',
  'secrets.remove',
  'configs.list',
  'configs.create',
  'configs.remove',
  'settings.get',
  'settings.update',
  'hosts.list',
  'hosts.save',
  'hosts.remove',
  'hosts.test',
  'hosts.forgetHostKey',
  'hosts.readSshConfig',
  'hosts.importSshConfig',
  'prompts.answerHostKey',
  'prompts.answerSecret',
  'keychain.status',
  'edge.get',
  'edge.configure',
  'edge.preview',
  'edge.disable',
  'edge.proxyStack',
  'pools.writeUserData',
  'pools.status',
  'backups.get',
  'backups.check',
  'backups.run',
  'backups.configure',
  'backups.remove',
  'restore.check',
  'restore.run',
  'registry.status',
  'registry.plan',
  'registry.deploy',
] as const satisfies readonly MethodName[];

// A compile-time check that METHOD_NAMES lists every method of Contract.
type Missing = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
const everyMethodListed: [Missing] extends [never] ? true : Missing = true;
void everyMethodListed;

/**
 * Errors cross IPC and WebSocket as data, because Electron forwards only an
 * error's message. The renderer turns `code` + `params` into words in the
 * operator's language; `message` is English for logs and developers.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_METHOD'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STORE_WRITE_FAILED'
  | 'UNAUTHORIZED'
  | 'HOST_KEY_CHANGED'
  | 'CLUSTER_HOSTS_UNKNOWN'
  | 'SSH_LINK_LOST'
  | 'NO_MANAGER_REACHABLE'
  | 'QUORUM_LOST'
  | 'OUTCOME_UNKNOWN'
  | 'DOCKER_UNREACHABLE'
  | 'SSH_CONFIG_UNREADABLE'
  | 'PROMPT_EXPIRED'
  | 'EXEC_FAILED'
  | 'EXEC_TIMEOUT'
  | 'EXEC_OUTCOME_UNKNOWN'
  | 'SUDO_PASSWORD_REQUIRED'
  | 'SSH_CONNECTION_REFUSED'
  | 'SSH_HOST_UNREACHABLE'
  | 'SSH_TIMEOUT'
  | 'SSH_AUTH_FAILED'
  | 'SSH_NO_AUTH_METHOD'
  | 'SSH_FAILED'
  | 'HOST_KEY_REVOKED'
  | 'HOST_KEY_REJECTED'
  | 'KEY_FILE_UNREADABLE'
  | 'KEY_FILE_INVALID'
  | 'PASSPHRASE_REQUIRED'
  | 'WRONG_PASSPHRASE'
  | 'TRANSPORT_CLOSED'
  | 'PLAN_FILE_INVALID'
  | 'PLAN_NOT_RUNNABLE'
  | 'SETUP_RUNNING'
  | 'HOST_IN_OTHER_SWARM'
  | 'HOSTS_IN_DIFFERENT_SWARMS'
  | 'NODE_NOT_READY'
  | 'NETWORK_MISMATCH'
  | 'VERIFY_FAILED'
  | 'SWARM_LOCKED'
  | 'UNLOCK_KEY_GONE'
  | 'NOT_A_MANAGER'
  | 'QUORUM_GUARD'
  | 'LAST_MANAGER'
  | 'SERVICE_GLOBAL'
  | 'NO_PREVIOUS_SPEC'
  | 'DOCKER_REFUSED'
  | 'EXEC_HOST_UNKNOWN'
  | 'TASK_NOT_RUNNING'
  | 'COMPOSE_INVALID'
  | 'COMPOSE_UNSUPPORTED'
  | 'NODE_NOT_EMPTIED'
  | 'NODE_LEAVE_FAILED'
  | 'OBJECT_IN_USE'
  | 'EDGE_WRITE_FAILED'
  | 'EDGE_RELOAD_FAILED'
  | 'POOL_WRITE_FAILED'
  | 'BACKUP_REFUSED'
  | 'BACKUP_FAILED'
  | 'BACKUP_UNREADABLE'
  | 'BACKUP_KEY_MISSING'
  | 'RESTORE_NOT_CONFIRMED'
  | 'RESTORE_FAILED'
  | 'REGISTRY_REFUSED'
  | 'REGISTRY_FAILED'
  | 'DAEMON_NOT_BACK'
  | 'REGISTRY_VERIFY_FAILED'
  | 'INTERNAL';

export interface ContractError {
  code: ErrorCode;
  message: string;
  params?: Record<string, string>;
  /** For INVALID_ARGUMENT: which fields were wrong (dotted paths) and why. */
  issues?: ValidationIssue[];
}

/** Why one field was refused; the renderer words the code, `message` is for logs. */
export interface ValidationIssue {
  path: string;
  code: IssueCode;
  message: string;
}

/** Failures the argument schemas name themselves (the schemas' messages are these codes). */
export const SCHEMA_ISSUE_CODES = [
  'HOST_EMPTY',
  'HOST_TOO_LONG',
  'HOST_INVALID',
  'HOST_DUPLICATE',
  'PORT_OUT_OF_RANGE',
  'NAME_EMPTY',
  'NAME_TOO_LONG',
  'ID_INVALID',
  'NOTES_TOO_LONG',
  'NO_ARGUMENT_EXPECTED',
  'ALIAS_INVALID',
  'ADDRESS_INVALID',
  'USER_INVALID',
  'KEY_PATH_INVALID',
  'AUTH_EMPTY',
  'AUTH_DUPLICATE',
  'JUMP_SELF',
  'TAG_INVALID',
] as const;

/** Schema issue codes, plus the generic ones zod's own checks map onto. */
export type IssueCode = (typeof SCHEMA_ISSUE_CODES)[number] | 'UNKNOWN_FIELD' | 'WRONG_TYPE' | 'TOO_MANY' | 'INVALID_VALUE';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ContractError };

/** The channel names used by the Electron adapter. */
export const IPC_INVOKE_CHANNEL = 'swarmdeck:invoke';
export const IPC_EVENT_CHANNEL = 'swarmdeck:event';

/** The contract as the Electron preload exposes it: every method answers a `Result` instead of throwing. */
export type BridgedContract = {
  [N in keyof Contract]: {
    [M in keyof Contract[N]]: Contract[N][M] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<Result<R>> : never;
  };
};

/** What `window.swarmdeck` is in the Electron renderer. */
export interface PreloadBridge {
  api: BridgedContract;
  on<E extends EventName>(event: E, callback: (payload: ContractEvents[E]) => void): () => void;
}
