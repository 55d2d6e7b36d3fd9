import type Docker from 'dockerode';
import type { NodeRole, RotationProgress, RotationTarget } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import { CoreError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { TopologyService } from '../topology/topology-service.js';
import { dial, dockerMessage, swarmApi, unlockKeyAccount, type SwarmNode } from './swarm-api.js';

interface ServiceInspect {
  ID: string;
  Version: { Index: number };
  Spec: {
    Name?: string;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ForceUpdate?: number; ContainerSpec?: object; [key: string]: unknown };
    [key: string]: unknown;
  };
  PreviousSpec?: unknown;
}

/**
 * Day-two operations on nodes and services. Each reads the object first and
 * sends its whole spec back (Docker resets what an update leaves out), goes to
 * the activity log with how it ended, and has the live map re-read at once.
 */
export class ClusterOperations {
  constructor(
    private readonly clusters: ClusterService,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
    private readonly vault: SecretVault,
    private readonly events: EventBus,
    private readonly caRotationTimeoutMs = 300_000,
  ) {}

  /**
   * A new worker or manager join token, unlock key, or root CA. A new unlock key
   * replaces the one in the keychain; the old one is kept beside it, since
   * managers that have not restarted yet may still be locked with it.
   */
  async rotate(clusterId: string, what: RotationTarget): Promise<void> {
    const progress = (state: RotationProgress['state'], done = 0, total = 0): void =>
      this.events.emit('swarm:rotation', { clusterId, what, state, done, total });
    progress('running');
    try {
      await this.rotateNow(clusterId, what);
      if (what === 'ca') await this.awaitCaRotation(clusterId, progress);
      progress('done');
    } catch (err) {
      progress('failed');
      throw err;
    }
  }

  /**
   * Follows a CA rotation as `docker swarm ca --rotate` does: until the swarm no longer reports the
   * root rotation in progress and every node holds a certificate from the swarm's current issuer.
   * A node that is down holds the rotation up; after the wait this says so instead of claiming done.
   */
  private async awaitCaRotation(
    clusterId: string,
    progress: (state: RotationProgress['state'], done: number, total: number) => void,
  ): Promise<void> {
    const { link } = await this.clusters.linkOf(clusterId);
    const deadline = Date.now() + this.caRotationTimeoutMs;
    for (;;) {
      const [info, swarm, nodes] = await Promise.all([
        link.request('read', (d) => swarmApi.info(d)),
        link.request('read', (d) => swarmApi.inspect(d)),
        link.request('read', (d) => swarmApi.nodes(d)),
      ]);
      const issuer = swarm.TLSInfo?.CertIssuerPublicKey;
      const rotated = nodes.filter((n) => issuer && n.Description?.TLSInfo?.CertIssuerPublicKey === issuer).length;
      progress('running', rotated, nodes.length);
      if (!info.Swarm?.Cluster?.RootRotationInProgress && rotated === nodes.length) return;
      if (Date.now() > deadline) {
        const detail = `the CA rotation is still in progress: ${rotated} of ${nodes.length} nodes have a certificate from the new root. Nodes that are down hold it up; it completes when they come back.`;
        throw new CoreError('DOCKER_REFUSED', detail, { params: { detail } });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private async rotateNow(clusterId: string, what: RotationTarget): Promise<void> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const swarm = await link.request('read', (d) => swarmApi.inspect(d));
    const command = {
      workerToken: 'docker swarm join-token --rotate worker',
      managerToken: 'docker swarm join-token --rotate manager',
      unlockKey: 'docker swarm unlock-key --rotate',
      ca: 'docker swarm ca --rotate',
    }[what];
    const query = {
      workerToken: { rotateWorkerToken: true },
      managerToken: { rotateManagerToken: true },
      unlockKey: { rotateManagerUnlockKey: true },
      ca: {},
    }[what];
    const spec =
      what === 'ca'
        ? {
            ...swarm.Spec,
            CAConfig: {
              ...(swarm.Spec.CAConfig as object),
              ForceRotate: (((swarm.Spec.CAConfig as { ForceRotate?: number }) ?? {}).ForceRotate ?? 0) + 1,
            },
          }
        : swarm.Spec;
    const previousKey = what === 'unlockKey' ? await this.vault.recall(unlockKeyAccount(swarm.ID)) : null;
    await this.record(clusterId, profile.name, null, command, () =>
      link.request('write', (d) =>
        dial<void>(d, { path: '/swarm/update', method: 'POST', query: { version: swarm.Version.Index, ...query }, body: spec }),
      ),
    );
    if (what === 'unlockKey') {
      const key = await link.request('read', (d) => swarmApi.unlockKey(d));
      if (previousKey) await this.vault.remember(`${unlockKeyAccount(swarm.ID)}:previous`, previousKey, { persist: true });
      if (key) await this.vault.remember(unlockKeyAccount(swarm.ID), key, { persist: true });
    }
  }

  async setAvailability(clusterId: string, nodeId: string, availability: 'active' | 'pause' | 'drain'): Promise<void> {
    await this.onNode(
      clusterId,
      nodeId,
      (node) => `docker node update --availability ${availability} ${hostname(node)}`,
      (d, node) => swarmApi.updateNode(d, node, { ...node.Spec, Availability: availability }),
    );
  }

  async setLabels(clusterId: string, nodeId: string, labels: Record<string, string>): Promise<void> {
    await this.onNode(
      clusterId,
      nodeId,
      (node) => `docker node update (labels: ${Object.keys(labels).join(', ') || 'none'}) ${hostname(node)}`,
      (d, node) => swarmApi.updateNode(d, node, { ...node.Spec, Labels: labels }),
    );
  }

  /**
   * Promote or demote. A demotion that would leave no manager is refused
   * outright (LAST_MANAGER); one that would leave too few reachable managers for
   * quorum is refused unless the operator overrides it (QUORUM_GUARD).
   */
  async setRole(clusterId: string, nodeId: string, role: NodeRole, override: boolean): Promise<void> {
    const verb = role === 'manager' ? 'promote' : 'demote';
    await this.onNode(
      clusterId,
      nodeId,
      (node) => `docker node ${verb} ${hostname(node)}`,
      (d, node) => swarmApi.updateNode(d, node, { ...node.Spec, Role: role }),
      (node, nodes) => {
        if (role === 'worker') demoteGuard(node, nodes, override);
      },
    );
  }

  async scale(clusterId: string, serviceId: string, replicas: number): Promise<void> {
    await this.onService(
      clusterId,
      serviceId,
      (s) => `docker service scale ${s.Spec.Name}=${replicas}`,
      (d, s) => {
        if (!s.Spec.Mode?.Replicated)
          throw new CoreError('SERVICE_GLOBAL', `${s.Spec.Name} is a global service: it runs one task per node`, {
            params: { service: s.Spec.Name ?? s.ID },
          });
        return updateService(d, s, { ...s.Spec, Mode: { Replicated: { Replicas: replicas } } });
      },
    );
  }

  /**
   * A rolling update to another image, with the service's own update config (parallelism, delay, order,
   * failure action); the map shows its progress from the service's UpdateStatus and its tasks.
   */
  async updateImage(clusterId: string, serviceId: string, image: string): Promise<void> {
    await this.onService(
      clusterId,
      serviceId,
      (s) => `docker service update --image ${image} ${s.Spec.Name}`,
      (d, s) => {
        const template = s.Spec.TaskTemplate ?? {};
        const container = (template.ContainerSpec ?? {}) as Record<string, unknown>;
        return updateService(d, s, { ...s.Spec, TaskTemplate: { ...template, ContainerSpec: { ...container, Image: image } } });
      },
    );
  }

  async rollback(clusterId: string, serviceId: string): Promise<void> {
    await this.onService(
      clusterId,
      serviceId,
      (s) => `docker service rollback ${s.Spec.Name}`,
      (d, s) => {
        if (!s.PreviousSpec)
          throw new CoreError('NO_PREVIOUS_SPEC', `${s.Spec.Name} has no previous version to roll back to`, {
            params: { service: s.Spec.Name ?? s.ID },
          });
        return updateService(d, s, s.Spec, { rollback: 'previous' });
      },
    );
  }

  async forceRestart(clusterId: string, serviceId: string): Promise<void> {
    await this.onService(
      clusterId,
      serviceId,
      (s) => `docker service update --force ${s.Spec.Name}`,
      (d, s) =>
        updateService(d, s, {
          ...s.Spec,
          TaskTemplate: { ...s.Spec.TaskTemplate, ForceUpdate: (s.Spec.TaskTemplate?.ForceUpdate ?? 0) + 1 },
        }),
    );
  }

  async removeService(clusterId: string, serviceId: string): Promise<void> {
    await this.onService(
      clusterId,
      serviceId,
      (s) => `docker service rm ${s.Spec.Name}`,
      (d, s) => dial<void>(d, { path: `/services/${s.ID}`, method: 'DELETE' }),
    );
  }

  private async onNode(
    clusterId: string,
    nodeId: string,
    describe: (node: SwarmNode) => string,
    change: (docker: Docker, node: SwarmNode) => Promise<unknown>,
    guard?: (node: SwarmNode, nodes: SwarmNode[]) => void,
  ): Promise<void> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const nodes = await link.request('read', (d) => swarmApi.nodes(d));
    const node = nodes.find((n) => n.ID === nodeId);
    if (!node) throw new CoreError('NOT_FOUND', `No node ${nodeId} in this swarm`, { params: { id: nodeId } });
    guard?.(node, nodes);
    await this.record(clusterId, profile.name, hostname(node), describe(node), () => link.request('write', (d) => change(d, node)));
  }

  private async onService(
    clusterId: string,
    serviceId: string,
    describe: (service: ServiceInspect) => string,
    change: (docker: Docker, service: ServiceInspect) => Promise<unknown>,
  ): Promise<void> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const service = await link
      .request('read', (d) => d.getService(serviceId).inspect() as Promise<ServiceInspect>)
      .catch((err: unknown) => {
        if ((err as { statusCode?: number }).statusCode === 404)
          throw new CoreError('NOT_FOUND', `No service ${serviceId} in this swarm`, { params: { id: serviceId } });
        throw err;
      });
    await this.record(clusterId, profile.name, null, describe(service), () => link.request('write', (d) => change(d, service)));
  }

  private async record(
    clusterId: string,
    cluster: string,
    host: string | null,
    action: string,
    run: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await run();
      await this.activity.record({ cluster, host, action, result: 'ok', detail: '' });
    } catch (err) {
      const unknown = err instanceof CoreError && err.code === 'OUTCOME_UNKNOWN';
      const detail = err instanceof CoreError ? err.message : dockerMessage(err);
      await this.activity.record({ cluster, host, action, result: unknown ? 'unknown' : 'failed', detail });
      if (err instanceof CoreError) throw err;
      throw new CoreError('DOCKER_REFUSED', `Docker refused: ${detail}`, { params: { detail }, cause: err });
    } finally {
      this.topology.refresh(clusterId);
    }
  }
}

/**
 * Refuses a demotion that would leave no manager (never overridable), or too
 * few reachable managers for quorum among those left (unless overridden).
 */
export function demoteGuard(node: SwarmNode, nodes: readonly SwarmNode[], override: boolean): void {
  if (node.Spec.Role !== 'manager') return;
  const managers = nodes.filter((n) => n.Spec.Role === 'manager');
  if (managers.length <= 1)
    throw new CoreError('LAST_MANAGER', `${hostname(node)} is the last manager; a swarm cannot run without one`, {
      params: { host: hostname(node) },
    });
  const remaining = managers.length - 1;
  const needed = Math.floor(remaining / 2) + 1;
  const reachable = managers.filter((m) => m.ID !== node.ID && m.ManagerStatus?.Reachability === 'reachable').length;
  if (reachable < needed && !override) {
    throw new CoreError(
      'QUORUM_GUARD',
      `Demoting ${hostname(node)} leaves ${reachable} reachable of ${remaining} managers; quorum needs ${needed}`,
      {
        params: { host: hostname(node), reachable: String(reachable), managers: String(remaining), needed: String(needed) },
      },
    );
  }
}

function hostname(node: SwarmNode): string {
  return node.Description?.Hostname ?? node.ID;
}

function updateService(
  docker: Docker,
  service: ServiceInspect,
  spec: ServiceInspect['Spec'],
  query: Record<string, string> = {},
): Promise<unknown> {
  return dial(docker, {
    path: `/services/${service.ID}/update`,
    method: 'POST',
    query: { version: service.Version.Index, ...query },
    body: spec,
  });
}
