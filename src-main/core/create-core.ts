import { join } from 'node:path';
import type { AppInfo, KeychainStatus } from '../contract.js';
import { createDispatcher, type Dispatch, type Routes } from './api/dispatcher.js';
import {
  availabilitySchema,
  nodeRemoveSchema,
  serviceCreateSchema,
  stackComposeSchema,
  stackRefSchema,
  swarmObjectCreateSchema,
  swarmObjectRefSchema,
  updateImageSchema,
  execCloseSchema,
  execInputSchema,
  execOpenSchema,
  execResizeSchema,
  rotateSchema,
  clusterOnlySchema,
  labelsSchema,
  logsSchema,
  roleSchema,
  scaleSchema,
  serviceRefSchema,
  streamIdSchema,
  activityListSchema,
  adoptSchema,
  discoverSchema,
  hostFactsSchema,
  importPlanSchema,
  planOnlySchema,
  runIdInputSchema,
  validatePlanSchema,
  setupRunSchema,
  answerHostKeySchema,
  answerSecretSchema,
  byIdSchema,
  createClusterSchema,
  hostInputSchema,
  importSshConfigSchema,
  noInputSchema,
  removeClusterSchema,
  renameClusterSchema,
  settingsPatchSchema,
  edgeConfigureSchema,
  edgePreviewSchema,
  poolWriteSchema,
  edgeProxyStackSchema,
  backupCheckSchema,
  backupRunSchema,
  backupConfigureSchema,
  backupRefSchema,
  restoreCheckSchema,
  restoreRunSchema,
  registryPlanSchema,
  registryDeploySchema,
} from './api/schemas.js';
import { ActivityLog } from './activity/activity-log.js';
import { Adoption } from './clusters/adoption.js';
import { ClusterService } from './clusters/cluster-service.js';
import { ManagerUnlocker } from './clusters/manager-unlocker.js';
import { EventBus } from './events.js';
import { HostService } from './hosts/host-service.js';
import { probeKeychain, type Keychain } from './keychain/keychain.js';
import { KeytarKeychain } from './keychain/keytar-keychain.js';
import { SecretVault } from './keychain/secret-vault.js';
import type { Logger } from './logger.js';
import { PromptBroker } from './prompts/prompt-broker.js';
import { HostKeyStore } from './ssh/host-key-store.js';
import { ClusterProfiles } from './store/cluster-profiles.js';
import { DataFile } from './store/data-file.js';
import { HostRecords } from './store/host-records.js';
import { SettingsStore } from './store/settings.js';
import { planFromYaml, planToYaml } from './swarm/plan-file.js';
import { PlanHosts } from './swarm/plan-hosts.js';
import { validatePlan } from './swarm/plan-validation.js';
import { SetupService } from './swarm/setup-service.js';
import { ClusterOperations } from './swarm/cluster-operations.js';
import { ServiceLogs } from './swarm/service-logs.js';
import { TaskExec } from './swarm/task-exec.js';
import type { LiveTopologyOptions } from './topology/live-topology.js';
import { TopologyService } from './topology/topology-service.js';
import { StackService } from './stacks/stack-service.js';
import { NodeRemoval } from './swarm/node-removal.js';
import { ServiceCreator } from './swarm/service-create.js';
import { SwarmObjects } from './swarm/swarm-objects.js';
import { EdgeStore } from './edge/edge-store.js';
import { EdgeTargets } from './edge/edge-service.js';
import { proxyStackCompose } from './edge/proxy-stack.js';
import { NodePools } from './pools/pool-service.js';
import type { ProductionDeps } from './production-deps.js';
import { SwarmBackups } from './backup/backup-service.js';
import { SwarmRestore } from './backup/restore-service.js';
import { PrivateRegistry } from './registry/registry-service.js';

export interface CoreOptions {
  dataDir: string;
  version: string;
  mode: AppInfo['mode'];
  systemLocale: string | null;
  logger: Logger;
  /** The OS keychain by default; tests may hand in the same interface over a private keyring. */
  keychain?: Keychain;
  /** The operator's own known_hosts files, read only (default ~/.ssh/known_hosts). */
  userKnownHosts?: string[];
  sshConfigPath?: string;
  sshAgent?: string;
  promptTimeoutMs?: number;
  /** How long a joining node may take to show Ready (tests on a slow machine raise it). */
  nodeReadyTimeoutMs?: number;
  /** How the live model polls and reconciles (tests slow the poll down to see events work alone). */
  topology?: LiveTopologyOptions;
}

export interface Core {
  dispatch: Dispatch;
  events: EventBus;
}

/** Builds the core once per process; the Electron and web adapters both sit on what this returns. */
export async function createCore(options: CoreOptions): Promise<Core> {
  const events = new EventBus();
  const file = new DataFile(options.dataDir);
  await file.load();
  for (const notice of file.notices) options.logger.warn(`data file: ${notice.code}`, notice.params);

  const keychain = options.keychain ?? new KeytarKeychain();
  let keychainStatus: KeychainStatus = { status: 'unavailable', reason: 'not probed yet' };
  // Probed in the background: a slow or absent keychain must not delay the window.
  const probed = probeKeychain(keychain).then((status) => {
    keychainStatus = status;
    if (status.status !== 'available')
      options.logger.warn('keychain not available; secrets will be asked each time', { status: status.status, reason: status.reason });
    return status;
  });

  const clusters = new ClusterProfiles(file, events);
  const settings = new SettingsStore(file, events);
  const records = new HostRecords(file, events);
  const prompts = new PromptBroker(events, options.promptTimeoutMs);
  const activity = new ActivityLog(options.dataDir, events);
  await activity.load();
  const vault = new SecretVault(keychain, () => keychainStatus);
  const hosts = new HostService({
    records,
    events,
    hostKeys: new HostKeyStore({
      appFile: join(options.dataDir, 'known_hosts'),
      ...(options.userKnownHosts ? { userFiles: options.userKnownHosts } : {}),
    }),
    vault,
    prompts,
    keychain: () => keychainStatus,
    ...(options.sshAgent ? { agent: options.sshAgent } : {}),
    ...(options.sshConfigPath ? { sshConfigPath: options.sshConfigPath } : {}),
  });

  const planHosts = new PlanHosts(records, hosts);
  const unlocker = new ManagerUnlocker(planHosts, vault, prompts, () => keychainStatus, activity);
  const clusterLinks = new ClusterService(clusters, records, hosts, events, unlocker);
  const topology = new TopologyService(clusterLinks, events, activity, options.topology);
  const operations = new ClusterOperations(clusterLinks, activity, topology, vault, events);
  const logs = new ServiceLogs(clusterLinks, events);
  const stacks = new StackService(clusterLinks, activity, topology);
  const swarmObjects = new SwarmObjects(clusterLinks, activity, topology);
  const serviceCreator = new ServiceCreator(clusterLinks, activity, topology);
  const nodeRemoval = new NodeRemoval(clusterLinks, records, planHosts, events, activity, topology);
  const shells = new TaskExec(clusterLinks, records, planHosts, events, activity);
  const adoption = new Adoption(records, planHosts, clusters, activity);
  const edgeStore = new EdgeStore(options.dataDir);
  await edgeStore.load();
  const edge = new EdgeTargets({
    store: edgeStore,
    topology,
    events,
    activity,
    profiles: clusters,
    shell: (alias) => planHosts.get(alias),
  });
  edge.resume();
  const pools = new NodePools(options.dataDir, clusterLinks, activity, { topology, events });
  await pools.load();
  pools.resume();
  const production: ProductionDeps = {
    dataDir: options.dataDir,
    clusters: clusterLinks,
    profiles: clusters,
    records,
    planHosts,
    vault,
    keychain: () => keychainStatus,
    prompts,
    unlocker,
    activity,
    events,
    topology,
    logger: options.logger,
  };
  const backups = new SwarmBackups(production);
  await backups.load();
  backups.resume();
  topology.addHealthSource((clusterId, now) => backups.healthWarnings(clusterId, now));
  const restore = new SwarmRestore(production, backups);
  const registry = new PrivateRegistry(production);
  await registry.load();
  topology.addHealthSource((clusterId) => registry.healthWarnings(clusterId));
  const setup = new SetupService({
    records,
    planHosts,
    profiles: clusters,
    vault,
    activity,
    events,
    logger: options.logger,
    production: { registry, backups, edge, pools },
    ...(options.nodeReadyTimeoutMs ? { readyTimeoutMs: options.nodeReadyTimeoutMs } : {}),
  });

  const routes: Routes = {
    'app.info': {
      schema: noInputSchema,
      handle: () => ({
        name: 'Swarmdeck',
        version: options.version,
        platform: process.platform,
        dataDir: options.dataDir,
        mode: options.mode,
        systemLocale: options.systemLocale,
        notices: file.notices,
      }),
    },
    'clusters.list': { schema: noInputSchema, handle: () => clusters.list() },
    'clusters.create': { schema: createClusterSchema, handle: (input) => clusters.create(input) },
    'clusters.rename': { schema: renameClusterSchema, handle: (input) => clusters.rename(input) },
    'clusters.remove': {
      schema: removeClusterSchema,
      handle: async (input) => {
        await clusters.remove(input);
        // The app stops writing the edge list of a swarm it no longer knows; the swarm, the file and the backups stay.
        await edge.disable(input.id);
      },
    },
    'clusters.connect': { schema: byIdSchema, handle: ({ id }) => clusterLinks.connect(id) },
    'clusters.discover': { schema: discoverSchema, handle: ({ via }) => adoption.discover(via) },
    'clusters.adopt': { schema: adoptSchema, handle: (input) => adoption.adopt(input) },
    'topology.watch': { schema: clusterOnlySchema, handle: ({ clusterId }) => topology.watch(clusterId) },
    'topology.unwatch': { schema: clusterOnlySchema, handle: ({ clusterId }) => topology.unwatch(clusterId) },
    'nodes.setAvailability': {
      schema: availabilitySchema,
      handle: ({ clusterId, nodeId, availability }) => operations.setAvailability(clusterId, nodeId, availability),
    },
    'nodes.setRole': {
      schema: roleSchema,
      handle: ({ clusterId, nodeId, role, override }) => operations.setRole(clusterId, nodeId, role, override),
    },
    'nodes.setLabels': { schema: labelsSchema, handle: ({ clusterId, nodeId, labels }) => operations.setLabels(clusterId, nodeId, labels) },
    'nodes.remove': {
      schema: nodeRemoveSchema,
      handle: ({ clusterId, nodeId, override }) => nodeRemoval.remove(clusterId, nodeId, override),
    },
    'services.create': { schema: serviceCreateSchema, handle: (input) => serviceCreator.create(input) },
    'services.updateImage': {
      schema: updateImageSchema,
      handle: ({ clusterId, serviceId, image }) => operations.updateImage(clusterId, serviceId, image),
    },
    'stacks.list': { schema: clusterOnlySchema, handle: ({ clusterId }) => stacks.list(clusterId) },
    'stacks.check': { schema: stackComposeSchema, handle: ({ clusterId, name, compose }) => stacks.check(clusterId, name, compose) },
    'stacks.deploy': { schema: stackComposeSchema, handle: ({ clusterId, name, compose }) => stacks.deploy(clusterId, name, compose) },
    'stacks.remove': { schema: stackRefSchema, handle: ({ clusterId, name }) => stacks.remove(clusterId, name) },
    'secrets.list': { schema: clusterOnlySchema, handle: ({ clusterId }) => swarmObjects.list(clusterId, 'secret') },
    'secrets.create': {
      schema: swarmObjectCreateSchema,
      handle: ({ clusterId, name, value, labels }) => swarmObjects.create(clusterId, 'secret', name, value, labels),
    },
    'secrets.remove': { schema: swarmObjectRefSchema, handle: ({ clusterId, id }) => swarmObjects.remove(clusterId, 'secret', id) },
    'configs.list': { schema: clusterOnlySchema, handle: ({ clusterId }) => swarmObjects.list(clusterId, 'config') },
    'configs.create': {
      schema: swarmObjectCreateSchema,
      handle: ({ clusterId, name, value, labels }) => swarmObjects.create(clusterId, 'config', name, value, labels),
    },
    'configs.remove': { schema: swarmObjectRefSchema, handle: ({ clusterId, id }) => swarmObjects.remove(clusterId, 'config', id) },
    'swarm.rotate': { schema: rotateSchema, handle: ({ clusterId, what }) => operations.rotate(clusterId, what) },
    'exec.open': { schema: execOpenSchema, handle: ({ clusterId, taskId, cols, rows }) => shells.open(clusterId, taskId, cols, rows) },
    'exec.input': { schema: execInputSchema, handle: ({ sessionId, data }) => shells.input(sessionId, data) },
    'exec.resize': { schema: execResizeSchema, handle: ({ sessionId, cols, rows }) => shells.resize(sessionId, cols, rows) },
    'exec.close': { schema: execCloseSchema, handle: ({ sessionId }) => shells.close(sessionId) },
    'services.scale': {
      schema: scaleSchema,
      handle: ({ clusterId, serviceId, replicas }) => operations.scale(clusterId, serviceId, replicas),
    },
    'services.rollback': { schema: serviceRefSchema, handle: ({ clusterId, serviceId }) => operations.rollback(clusterId, serviceId) },
    'services.forceRestart': {
      schema: serviceRefSchema,
      handle: ({ clusterId, serviceId }) => operations.forceRestart(clusterId, serviceId),
    },
    'services.remove': { schema: serviceRefSchema, handle: ({ clusterId, serviceId }) => operations.removeService(clusterId, serviceId) },
    'services.logs': {
      schema: logsSchema,
      handle: ({ clusterId, serviceId, follow, tail }) => logs.start(clusterId, serviceId, follow, tail),
    },
    'services.stopLogs': { schema: streamIdSchema, handle: ({ streamId }) => logs.stop(streamId) },
    'activity.list': { schema: activityListSchema, handle: ({ cluster }) => activity.list(cluster) },
    'setup.validate': {
      schema: validatePlanSchema,
      handle: ({ plan, acknowledgeEvenManagers }) => validatePlan(plan, records.list(), { acknowledgeEvenManagers }),
    },
    'setup.exportPlan': { schema: planOnlySchema, handle: ({ plan }) => ({ yaml: planToYaml(plan) }) },
    'setup.importPlan': { schema: importPlanSchema, handle: ({ yaml }) => planFromYaml(yaml) },
    'setup.hostFacts': { schema: hostFactsSchema, handle: ({ hosts: aliases }) => setup.hostFacts(aliases) },
    'setup.preflight': { schema: planOnlySchema, handle: ({ plan }) => setup.preflight(plan) },
    'setup.review': { schema: planOnlySchema, handle: ({ plan }) => setup.review(plan) },
    'setup.run': {
      schema: setupRunSchema,
      handle: ({ plan, acknowledgeEvenManagers, registryPassword }) => setup.run(plan, acknowledgeEvenManagers, registryPassword),
    },
    'setup.cancel': { schema: runIdInputSchema, handle: ({ runId }) => setup.cancel(runId) },
    'setup.revealUnlockKey': { schema: runIdInputSchema, handle: ({ runId }) => setup.revealUnlockKey(runId) },
    'settings.get': { schema: noInputSchema, handle: () => settings.get() },
    'settings.update': { schema: settingsPatchSchema, handle: (patch) => settings.update(patch) },
    'hosts.list': { schema: noInputSchema, handle: () => records.list() },
    'hosts.save': { schema: hostInputSchema, handle: (input) => records.save(input) },
    'hosts.remove': { schema: byIdSchema, handle: ({ id }) => records.remove(id) },
    'hosts.test': { schema: byIdSchema, handle: ({ id }) => hosts.test(id) },
    'hosts.forgetHostKey': { schema: byIdSchema, handle: ({ id }) => hosts.forgetHostKey(id) },
    'hosts.readSshConfig': { schema: noInputSchema, handle: () => hosts.readSshConfig() },
    'hosts.importSshConfig': { schema: importSshConfigSchema, handle: ({ aliases }) => hosts.importSshConfig(aliases) },
    'prompts.answerHostKey': { schema: answerHostKeySchema, handle: ({ promptId, accept }) => prompts.answer(promptId, accept) },
    'prompts.answerSecret': {
      schema: answerSecretSchema,
      handle: ({ promptId, secret, remember }) => prompts.answer(promptId, { secret, remember }),
    },
    'keychain.status': { schema: noInputSchema, handle: () => probed },
    'edge.get': { schema: clusterOnlySchema, handle: ({ clusterId }) => edge.get(clusterId) },
    'edge.configure': { schema: edgeConfigureSchema, handle: ({ clusterId, config }) => edge.configure(clusterId, config) },
    'edge.preview': { schema: edgePreviewSchema, handle: ({ clusterId, config }) => edge.preview(clusterId, config) },
    'edge.disable': { schema: clusterOnlySchema, handle: ({ clusterId }) => edge.disable(clusterId) },
    'edge.proxyStack': { schema: edgeProxyStackSchema, handle: (input) => ({ compose: proxyStackCompose(input) }) },
    'pools.writeUserData': { schema: poolWriteSchema, handle: ({ clusterId, pool, path }) => pools.writeUserData(clusterId, pool, path) },
    'pools.status': { schema: clusterOnlySchema, handle: ({ clusterId }) => pools.status(clusterId) },
    'backups.get': { schema: clusterOnlySchema, handle: ({ clusterId }) => backups.get(clusterId) },
    'backups.check': { schema: backupCheckSchema, handle: ({ clusterId, nodeId }) => backups.check(clusterId, nodeId) },
    'backups.run': { schema: backupRunSchema, handle: ({ clusterId, ...options }) => backups.run(clusterId, options) },
    'backups.configure': { schema: backupConfigureSchema, handle: ({ clusterId, schedule }) => backups.configure(clusterId, schedule) },
    'backups.remove': { schema: backupRefSchema, handle: ({ clusterId, backupId }) => backups.remove(clusterId, backupId) },
    'restore.check': { schema: restoreCheckSchema, handle: (input) => restore.check(input) },
    'restore.run': { schema: restoreRunSchema, handle: (input) => restore.run(input) },
    'registry.status': { schema: clusterOnlySchema, handle: ({ clusterId }) => registry.status(clusterId) },
    'registry.plan': { schema: registryPlanSchema, handle: ({ clusterId, config }) => registry.plan(clusterId, config) },
    'registry.deploy': {
      schema: registryDeploySchema,
      handle: ({ clusterId, config, password }) => registry.deploy(clusterId, config, password),
    },
  };

  const dispatch = createDispatcher(routes, {
    onInternalError: (method, err) => options.logger.error(`${method} failed`, { error: describe(err) }),
  });
  return { dispatch, events };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown';
}
