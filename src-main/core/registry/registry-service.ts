import type { ContractError, HealthWarning, RegistryConfig, RegistryPlan, RegistryStatus } from '../../contract.js';
import { matchHost } from '../clusters/adoption.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import { dockerMessage, swarmApi } from '../swarm/swarm-api.js';
import { DaemonRollout } from './daemon-rollout.js';
import { DEFAULT_TIMEOUTS, passwordAccount, RegistryDeployment, type RegistryTimeouts } from './registry-deploy.js';
import { findService, serviceTasks, type RegistryAuth } from './registry-docker.js';
import { readCatalog } from './registry-http.js';
import { buildContext, planSteps, refused, type RegistryContext } from './registry-plan.js';
import { endpointOf, garbageCollectCommand, REGISTRY_SERVICE } from './registry-rules.js';
import { RegistryStore, type RegistryRecord } from './registry-store.js';

/** Errors that mean "not like this" (a plan shows them) rather than "something broke". */
const REFUSALS = new Set(['REGISTRY_REFUSED', 'CLUSTER_HOSTS_UNKNOWN']);

/**
 * The cluster's private registry: a one-replica swarm service pinned to a chosen node, its data on
 * a named volume there. TLS mode makes a CA and a server certificate (keys in the keychain and in
 * swarm secrets only) and copies the CA to every node's certs.d; insecure mode merges the endpoint
 * into every daemon.json and restarts Docker node by node (DaemonRollout). A deploy ends with a push,
 * a pull on another node and a service run from the pushed image.
 */
export class PrivateRegistry {
  private readonly store: RegistryStore;
  private readonly rollout: DaemonRollout;
  private readonly deploying = new Set<string>();

  constructor(
    private readonly deps: ProductionDeps,
    private readonly timeouts: RegistryTimeouts = DEFAULT_TIMEOUTS,
    rollout?: DaemonRollout,
  ) {
    this.store = new RegistryStore(deps.dataDir);
    this.rollout = rollout ?? new DaemonRollout(deps);
  }

  async load(): Promise<void> {
    await this.store.load();
  }

  /** The mode of the app's registry in this cluster, for the health warnings; null: none deployed. */
  modeOf(clusterId: string): RegistryConfig['mode'] | null {
    return this.store.get(clusterId)?.config.mode ?? null;
  }

  /** The health panel's warning for a registry the app deployed without TLS. */
  healthWarnings(clusterId: string): HealthWarning[] {
    const record = this.store.get(clusterId);
    return record?.config.mode === 'insecure' ? [{ code: 'REGISTRY_INSECURE', params: { endpoint: record.endpoint } }] : [];
  }

  async plan(clusterId: string, config: RegistryConfig): Promise<RegistryPlan> {
    const endpoint = endpointOf(config);
    try {
      const ctx = await this.context(clusterId, config);
      return { endpoint, steps: planSteps(ctx), refused: null };
    } catch (err) {
      if (err instanceof CoreError && REFUSALS.has(err.code)) return { endpoint, steps: [], refused: err.toContractError() };
      throw err;
    }
  }

  async deploy(clusterId: string, config: RegistryConfig, password?: string): Promise<RegistryStatus> {
    if (this.deploying.has(clusterId)) throw refused('a deploy of this cluster’s registry is already running.');
    this.deploying.add(clusterId);
    const started = Date.now();
    try {
      const ctx = await this.context(clusterId, config);
      const auth = await this.login(ctx, password);
      await new RegistryDeployment(this.deps, this.store, this.rollout, ctx, auth, this.timeouts).run();
      this.deps.logger.info('registry deployed', { clusterId, mode: config.mode, endpoint: ctx.endpoint, ms: Date.now() - started });
      return await this.status(clusterId);
    } finally {
      this.deploying.delete(clusterId);
    }
  }

  async status(clusterId: string): Promise<RegistryStatus> {
    const record = this.store.get(clusterId);
    const empty: RegistryStatus = {
      clusterId,
      config: null,
      endpoint: null,
      service: null,
      catalog: null,
      catalogError: null,
      verifiedAt: null,
      certificateExpires: null,
      garbageCollect: null,
    };
    if (!record) return empty;
    const { profile, link } = await this.deps.clusters.linkOf(clusterId);
    const nodes = await link.request('read', (d) => swarmApi.nodes(d));
    const found = await findService(link, REGISTRY_SERVICE);
    let service: RegistryStatus['service'] = null;
    if (found) {
      const running = (await serviceTasks(link, found.ID)).filter((t) => t.DesiredState === 'running' && t.Status?.State === 'running');
      const nodeId = running[0]?.NodeID;
      const node = nodes.find((n) => n.ID === nodeId);
      service = { id: found.ID, running: running.length, desired: 1, node: node ? (node.Description?.Hostname ?? node.ID) : null };
    }
    const registryNode = nodes.find((n) => n.ID === record.config.nodeId);
    const alias = registryNode ? matchHost(registryNode, this.deps.records.list()) : null;

    let catalog: RegistryStatus['catalog'] = null;
    let catalogError: ContractError | null = null;
    let imageCommand: string[] = [];
    if (!alias) {
      const detail = 'the registry’s node is not in Hosts, so its API cannot be reached over SSH.';
      catalogError = { code: 'REGISTRY_VERIFY_FAILED', message: detail, params: { step: 'check', detail } };
    } else {
      const handle = this.deps.planHosts.get(alias);
      try {
        const client = (await handle.link.attemptNow()).client;
        const auth = await this.storedLogin(profile.swarmId ?? profile.id, record);
        catalog = await readCatalog(client, { address: record.config.address, port: record.config.port, caPem: record.caCertPem, auth });
      } catch (err) {
        catalogError = this.catalogFailure(err);
      }
      const image = await handle.docker.request('read', (d) => d.getImage(record.config.image).inspect()).catch(() => null);
      imageCommand = [...(image?.Config.Entrypoint ?? []), ...(image?.Config.Cmd ?? [])];
    }
    return {
      clusterId,
      config: record.config,
      endpoint: record.endpoint,
      service,
      catalog,
      catalogError,
      verifiedAt: record.verifiedAt,
      certificateExpires: record.certificateExpires,
      garbageCollect: garbageCollectCommand(imageCommand.length ? imageCommand : [record.config.image]),
    };
  }

  private async context(clusterId: string, config: RegistryConfig): Promise<RegistryContext> {
    const { profile, link } = await this.deps.clusters.linkOf(clusterId);
    return buildContext(profile, link, config, this.deps.records.list(), () => this.rollout.order(clusterId));
  }

  /** The login for Docker's X-Registry-Auth: the password given now (kept in the keychain), else the one kept. */
  private async login(ctx: RegistryContext, password: string | undefined): Promise<RegistryAuth | null> {
    const username = ctx.config.username;
    if (!username) return null;
    const account = passwordAccount(ctx.profile.swarmId ?? ctx.profile.id);
    const secret = password ?? (await this.deps.vault.recall(account));
    if (!secret) throw refused(`a login (${username}) needs a password, and none is in the keychain: give one.`);
    await this.deps.vault.remember(account, secret, { persist: true });
    return { username, password: secret, serveraddress: ctx.endpoint };
  }

  private async storedLogin(swarmKey: string, record: RegistryRecord): Promise<{ username: string; password: string } | null> {
    if (!record.config.username) return null;
    const password = await this.deps.vault.recall(passwordAccount(swarmKey));
    if (!password) throw new Error('the registry password is not in the keychain; deploy again with it to read the catalog.');
    return { username: record.config.username, password };
  }

  private catalogFailure(err: unknown): ContractError {
    if (err instanceof CoreError) return err.toContractError();
    const detail = dockerMessage(err);
    return { code: 'REGISTRY_VERIFY_FAILED', message: `catalog: ${detail}`, params: { step: 'check', detail } };
  }
}
