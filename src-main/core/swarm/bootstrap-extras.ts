import { isDeepStrictEqual } from 'node:util';
import type {
  BackupEncryption,
  BackupRecord,
  BackupSchedule,
  BackupState,
  EdgeConfig,
  EdgeOutput,
  EdgeState,
  NodePoolInput,
  PlanPool,
  PoolScriptInfo,
  PlannedOperation,
  PlanRegistry,
  RegistryConfig,
  RegistryStatus,
  SwarmPlan,
} from '../../contract.js';
import { CoreError } from '../errors.js';
import { endpointOf, REGISTRY_SERVICE, REGISTRY_VOLUME, STORAGE_ROOT, CONTAINER_PORT } from '../registry/registry-rules.js';
import type { StepResult } from './bootstrap.js';
import { BACKUP_MIN_MANAGERS, registryConfigOf } from './plan-extras.js';

/** What the production steps need of the registry, backup and edge services (PrivateRegistry, SwarmBackups, EdgeTargets fit). */
export interface ProductionServices {
  registry: {
    status(clusterId: string): Promise<RegistryStatus>;
    deploy(clusterId: string, config: RegistryConfig, password?: string): Promise<RegistryStatus>;
  };
  backups: {
    get(clusterId: string): Promise<BackupState>;
    configure(clusterId: string, schedule: BackupSchedule): Promise<BackupState>;
    run(
      clusterId: string,
      options: { acknowledgeSingleManager: boolean; encryption: BackupEncryption; passphrase?: string },
    ): Promise<BackupRecord>;
  };
  edge: {
    get(clusterId: string): EdgeState;
    configure(clusterId: string, config: EdgeConfig): Promise<EdgeState>;
    current(clusterId: string): { at: string; targets: number } | null;
  };
  pools: {
    status(clusterId: string): Promise<PoolScriptInfo[]>;
    writeUserData(clusterId: string, pool: NodePoolInput, path: string): Promise<PoolScriptInfo>;
  };
}

export interface ExtrasTools {
  services: ProductionServices;
  /** The cluster profile the run saved for the swarm (set once the swarm exists). */
  clusterId: () => string | null;
  /** A plan host's node ID and advertise address, as the earlier steps learnt them. */
  nodeOf: (alias: string) => Promise<{ nodeId: string; advertise: string }>;
  /** The registry login's password, given when the run started; kept in the keychain by the registry. */
  registryPassword: string | undefined;
  log: (line: string) => void;
  /** How long the edge step waits for the first write of the target list. */
  edgeWriteTimeoutMs?: number;
}

const EDGE_POLL_MS = 250;

/**
 * The plan's optional production steps, run once the swarm is verified: each hands the plan's
 * config to the service that runs it on day two, so the wizard and the tabs do one and the same
 * thing. Like the other steps, each reads first and skips what is already true.
 */
export class ExtrasSteps {
  constructor(
    private readonly plan: SwarmPlan,
    private readonly tools: ExtrasTools,
  ) {}

  async registry(): Promise<StepResult> {
    const planned = this.plan.extras!.registry!;
    const clusterId = this.cluster();
    const { nodeId, advertise } = await this.tools.nodeOf(planned.host);
    const config = registryConfigOf(planned, nodeId, advertise);
    const endpoint = endpointOf(config);
    const { registry } = this.tools.services;
    const current = await registry.status(clusterId);
    const answering = current.service !== null && current.service.desired > 0 && current.service.running === current.service.desired;
    if (isDeepStrictEqual(current.config, config) && answering && current.verifiedAt !== null && current.catalogError === null) {
      return { state: 'skipped', code: 'REGISTRY_ALREADY', params: { endpoint } };
    }
    this.tools.log(`registry: ${registryCommand(planned, endpoint)}`);
    const status = await registry.deploy(clusterId, config, this.tools.registryPassword);
    return { state: 'done', code: 'REGISTRY_READY', params: { endpoint: status.endpoint ?? endpoint, mode: config.mode } };
  }

  async backups(): Promise<StepResult> {
    const planned = this.plan.extras!.backups!;
    const clusterId = this.cluster();
    const { backups } = this.tools.services;
    const schedule = { everyHours: planned.everyHours, keep: planned.keep };
    const params = { every: planned.everyHours === null ? '' : String(planned.everyHours), keep: String(planned.keep) };
    const before = await backups.get(clusterId);
    if (!isDeepStrictEqual(before.schedule, schedule)) await backups.configure(clusterId, schedule);
    if (!planned.firstNow || before.backups.length > 0) return { state: 'done', code: 'BACKUPS_SCHEDULED', params };
    const managers = this.plan.hosts.filter((h) => h.role === 'manager').length;
    if (managers < BACKUP_MIN_MANAGERS) {
      return { state: 'done', code: 'BACKUPS_FIRST_SKIPPED', params: { ...params, managers: String(managers) } };
    }
    this.tools.log('backups: the first backup stops Docker on one manager that is not the leader, then starts it again');
    const record = await backups.run(clusterId, { acknowledgeSingleManager: false, encryption: 'keychain' });
    return { state: 'done', code: 'BACKUPS_FIRST_TAKEN', params: { ...params, node: record.node.hostname, size: String(record.bytes) } };
  }

  async edge(): Promise<StepResult> {
    const config = this.plan.extras!.edge!;
    const clusterId = this.cluster();
    const { edge } = this.tools.services;
    const output = outputText(config.output);
    const state = edge.get(clusterId);
    const held = edge.current(clusterId);
    if (state.enabled && isDeepStrictEqual(state.config, config) && held && !state.lastWrite?.error) {
      return { state: 'skipped', code: 'EDGE_WRITTEN', params: { targets: String(held.targets), output } };
    }
    const since = Date.now();
    await edge.configure(clusterId, config);
    // The service writes in the background as the live model arrives: the step is done only once the output holds
    // the list (written, or found holding it already), and fails with the service's error when a try failed.
    const deadline = since + (this.tools.edgeWriteTimeoutMs ?? 60_000);
    for (;;) {
      const current = edge.current(clusterId);
      if (current) return { state: 'done', code: 'EDGE_WRITTEN', params: { targets: String(current.targets), output } };
      const last = edge.get(clusterId).lastWrite;
      if (last?.error && Date.parse(last.at) >= since) {
        throw new CoreError(last.error.code, last.error.message, { params: last.error.params ?? {} });
      }
      if (Date.now() > deadline) {
        throw new CoreError('EDGE_WRITE_FAILED', `The target list was not written to ${output} in time; the edge tab shows when it is`, {
          params: { target: output, detail: 'no write yet' },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, EDGE_POLL_MS));
    }
  }

  async pools(): Promise<StepResult> {
    const planned = this.plan.extras!.pools ?? [];
    const clusterId = this.cluster();
    const written = await this.tools.services.pools.status(clusterId);
    const current = (p: PlanPool): boolean =>
      written.some(
        (w) =>
          w.pool === p.name &&
          w.path === p.path &&
          w.role === p.role &&
          w.stale.length === 0 &&
          w.targetSize === p.targetSize &&
          isDeepStrictEqual(w.labels, p.labels),
      );
    const toWrite = planned.filter((p) => !current(p));
    const paths = planned.map((p) => p.path).join(', ');
    if (toWrite.length === 0) return { state: 'skipped', code: 'POOLS_CURRENT', params: { count: String(planned.length), paths } };
    for (const pool of toWrite) {
      const { path, ...input } = pool;
      this.tools.log(`pools: user-data for ${pool.name} (${pool.role}) to ${path}; it holds the join token, keep it like a password`);
      await this.tools.services.pools.writeUserData(clusterId, input, path);
    }
    return {
      state: 'done',
      code: 'POOLS_WRITTEN',
      params: { count: String(toWrite.length), paths: toWrite.map((p) => p.path).join(', ') },
    };
  }

  private cluster(): string {
    const id = this.tools.clusterId();
    if (!id) throw new CoreError('NOT_FOUND', 'The swarm has no cluster profile yet', { params: { id: '' } });
    return id;
  }
}

/** The Review step's lines for the production steps, in run order; nothing is read or changed. */
export function reviewExtras(plan: SwarmPlan, advertiseOf: (alias: string) => string | undefined): PlannedOperation[] {
  const ops: PlannedOperation[] = [];
  const { registry, backups, edge } = plan.extras ?? { registry: null, backups: null, edge: null };
  const nodes = String(plan.hosts.length);
  if (registry) {
    const address = registry.address ?? advertiseOf(registry.host) ?? registry.host;
    const endpoint = endpointOf({ address, port: registry.port });
    const op = (code: string, params: Record<string, string>, command = ''): void => {
      ops.push({ step: 'registry', host: registry.host, command, code, params: { endpoint, ...params } });
    };
    if (registry.mode === 'tls') op('REGISTRY_CA_COPY', { nodes });
    else op('REGISTRY_DAEMON_JSON', { nodes });
    op('REGISTRY_DEPLOY', { host: registry.host, mode: registry.mode, publish: registry.publish }, registryCommand(registry, endpoint));
    op('REGISTRY_VERIFY', {});
  }
  if (backups) {
    const every = backups.everyHours === null ? '' : String(backups.everyHours);
    ops.push({ step: 'backups', host: null, command: '', code: 'BACKUPS_SCHEDULE', params: { every, keep: String(backups.keep) } });
    if (backups.firstNow && plan.hosts.filter((h) => h.role === 'manager').length >= BACKUP_MIN_MANAGERS) {
      ops.push({ step: 'backups', host: null, command: 'systemctl stop docker', code: 'BACKUPS_FIRST', params: {} });
    }
  }
  if (edge) {
    ops.push({
      step: 'edge',
      host: edge.output.kind === 'ssh' ? edge.output.host : null,
      command: '',
      code: 'EDGE_FOLLOW',
      params: { format: edge.format, output: outputText(edge.output), port: String(edge.port) },
    });
  }
  for (const pool of plan.extras?.pools ?? []) {
    ops.push({ step: 'pools', host: null, command: '', code: 'POOL_WRITE', params: { pool: pool.name, role: pool.role, path: pool.path } });
  }
  return ops;
}

/** The registry service as `docker service create` would spell it (the TLS secrets and login left out). */
function registryCommand(planned: PlanRegistry, endpoint: string): string {
  return [
    `docker service create --name ${REGISTRY_SERVICE}`,
    `--constraint node.id==<node of ${planned.host}>`,
    `--publish published=${planned.port},target=${CONTAINER_PORT},mode=${planned.publish}`,
    `--mount type=volume,source=${REGISTRY_VOLUME},target=${STORAGE_ROOT}`,
    ...(planned.network ? [`--network ${planned.network}`] : []),
    planned.image,
    `# ${planned.mode === 'tls' ? 'https' : 'http'}://${endpoint}`,
  ].join(' ');
}

function outputText(output: EdgeOutput): string {
  return output.kind === 'file' ? output.path : `${output.host}:${output.path}`;
}
