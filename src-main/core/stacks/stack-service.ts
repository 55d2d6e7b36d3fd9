import type Docker from 'dockerode';
import type { ComposeFinding, StackCheck, StackDeployResult, StackSummary } from '../../contract.js';
import type { ActivityLog } from '../activity/activity-log.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import type { ClusterLink } from '../docker/cluster-link.js';
import { CoreError } from '../errors.js';
import { dial, dockerMessage } from '../swarm/swarm-api.js';
import type { TopologyService } from '../topology/topology-service.js';
import { validateCompose } from './compose-keys.js';
import { NAMESPACE_LABEL, planStack, type StackPlan } from './stack-spec.js';
import { conflicts, readSwarm, type SwarmState } from './stack-state.js';

/** How long `remove` waits for a stack's tasks to let go of its networks. */
const NETWORK_RELEASE_MS = 30_000;

/** Compose stacks on a swarm, as `docker stack deploy|ls|rm` handle them. */
export class StackService {
  /** Between network removal retries; shorter in tests. */
  retryDelayMs = 1_000;

  constructor(
    private readonly clusters: ClusterService,
    private readonly activity: ActivityLog,
    private readonly topology: TopologyService,
  ) {}

  async list(clusterId: string): Promise<StackSummary[]> {
    const { link } = await this.clusters.linkOf(clusterId);
    const state = await link.request('read', (d) => readSwarm(d, true));
    const stacks = new Map<string, StackSummary>();
    const add = (
      kind: 'services' | 'networks' | 'secrets' | 'configs',
      labels: Record<string, string> | null | undefined,
      name: string,
    ) => {
      const stack = labels?.[NAMESPACE_LABEL];
      if (!stack) return;
      const summary = stacks.get(stack) ?? { name: stack, services: [], networks: [], secrets: [], configs: [] };
      summary[kind].push(name);
      stacks.set(stack, summary);
    };
    for (const s of state.services) add('services', s.Spec.Labels, s.Spec.Name);
    for (const n of state.networks) add('networks', n.Labels, n.Name);
    for (const s of state.secrets) add('secrets', s.Spec.Labels, s.Spec.Name);
    for (const c of state.configs) add('configs', c.Spec.Labels, c.Spec.Name);
    const sorted = [...stacks.values()].sort((a, b) => a.name.localeCompare(b.name));
    for (const s of sorted) for (const k of ['services', 'networks', 'secrets', 'configs'] as const) s[k].sort();
    return sorted;
  }

  async check(clusterId: string, name: string, compose: string): Promise<StackCheck> {
    const { plan, findings } = this.plan(name, compose);
    if (!plan) return { name, findings, services: [], networks: [], volumes: [], secrets: [], configs: [], deployable: false };
    const { link } = await this.clusters.linkOf(clusterId);
    const state = await link.request('read', (d) => readSwarm(d));
    return summarize(name, plan, [...findings, ...conflicts(name, plan, state)], state);
  }

  async deploy(clusterId: string, name: string, compose: string): Promise<StackDeployResult> {
    const { plan, findings } = this.plan(name, compose);
    refuseErrors(findings);
    if (!plan) throw new CoreError('INTERNAL', 'no plan without errors');
    const { profile, link } = await this.clusters.linkOf(clusterId);
    let state = await link.request('read', (d) => readSwarm(d));
    refuseErrors(conflicts(name, plan, state));

    const created: string[] = [];
    const updated: string[] = [];
    const run = (action: string, call: (d: Docker) => Promise<unknown>) =>
      this.record(profile.name, action, () => link.request('write', call));
    try {
      for (const network of plan.networks) {
        if (network.external || !network.spec || state.networks.some((n) => n.Name === network.name)) continue;
        const driver = String(network.spec['Driver']);
        await run(`docker network create --driver ${driver} ${network.name}`, (d) =>
          dial(d, { path: '/networks/create', method: 'POST', body: network.spec }),
        );
        created.push(network.name);
      }
      for (const config of plan.configs) {
        if (!config.spec || state.configs.some((c) => c.Spec.Name === config.name)) continue;
        await run(`docker config create ${config.name}`, (d) => dial(d, { path: '/configs/create', method: 'POST', body: config.spec }));
        created.push(config.name);
      }
      // Services refer to secrets and configs by ID as well as name: read them again now they all exist.
      state = await link.request('read', (d) => readSwarm(d));
      for (const service of plan.services) {
        const spec = withObjectIds(service.spec, state);
        const existing = state.services.find((s) => s.Spec.Name === service.name);
        if (existing) {
          await run(`docker service update ${service.name}`, async (d) => {
            // Read again right before the write: the version must be the current one, and the update sends the whole spec.
            const current = await dial<SwarmState['services'][number]>(d, { path: `/services/${existing.ID}`, method: 'GET' });
            const template = spec['TaskTemplate'] as Record<string, unknown>;
            const body = { ...spec, TaskTemplate: { ...template, ForceUpdate: current.Spec.TaskTemplate?.ForceUpdate ?? 0 } };
            return dial(d, { path: `/services/${existing.ID}/update`, method: 'POST', query: { version: current.Version.Index }, body });
          });
          updated.push(service.name);
        } else {
          await run(`docker service create ${service.name}`, (d) => dial(d, { path: '/services/create', method: 'POST', body: spec }));
          created.push(service.name);
        }
      }
    } finally {
      this.topology.refresh(clusterId);
    }
    return { created, updated, unsupported: findings.filter((f) => f.severity === 'unsupported') };
  }

  async remove(clusterId: string, name: string): Promise<{ removed: string[] }> {
    const { profile, link } = await this.clusters.linkOf(clusterId);
    const state = await link.request('read', (d) => readSwarm(d, true));
    const mine = (labels: Record<string, string> | null | undefined) => labels?.[NAMESPACE_LABEL] === name;
    const byName = (a: { Spec: { Name: string } }, b: { Spec: { Name: string } }) => a.Spec.Name.localeCompare(b.Spec.Name);
    const services = state.services.filter((s) => mine(s.Spec.Labels)).sort(byName);
    const networks = state.networks.filter((n) => mine(n.Labels)).sort((a, b) => a.Name.localeCompare(b.Name));
    const secrets = state.secrets.filter((s) => mine(s.Spec.Labels)).sort(byName);
    const configs = state.configs.filter((c) => mine(c.Spec.Labels)).sort(byName);
    if (services.length + networks.length + secrets.length + configs.length === 0) {
      throw new CoreError('NOT_FOUND', `No stack ${name} in this swarm`, { params: { id: name } });
    }
    const removed: string[] = [];
    const run = (action: string, path: string) =>
      this.record(profile.name, action, () =>
        link.request('write', (d) =>
          dial(d, { path, method: 'DELETE' }).catch((err: unknown) => {
            // Gone already (removed by hand meanwhile) is what was wanted.
            if ((err as { statusCode?: number }).statusCode !== 404) throw err;
          }),
        ),
      );
    try {
      for (const s of services) {
        await run(`docker service rm ${s.Spec.Name}`, `/services/${s.ID}`);
        removed.push(s.Spec.Name);
      }
      // A network stays in use on a node until the removed services' tasks there have stopped (a task
      // that ignores SIGTERM takes its whole stop grace period): wait for them, then remove, retrying.
      const deadline = Date.now() + NETWORK_RELEASE_MS;
      if (services.length > 0 && networks.length > 0) await this.tasksGone(link, new Set(services.map((s) => s.ID)), deadline);
      for (const n of networks) {
        for (;;) {
          try {
            await run(`docker network rm ${n.Name}`, `/networks/${n.Id}`);
            break;
          } catch (err) {
            const inUse = err instanceof CoreError && err.code === 'DOCKER_REFUSED' && /in use|active endpoints/i.test(err.message);
            if (!inUse || Date.now() > deadline) throw err;
            await new Promise((r) => setTimeout(r, this.retryDelayMs));
          }
        }
        removed.push(n.Name);
      }
      for (const s of secrets) {
        await run(`docker secret rm ${s.Spec.Name}`, `/secrets/${s.ID}`);
        removed.push(s.Spec.Name);
      }
      for (const c of configs) {
        await run(`docker config rm ${c.Spec.Name}`, `/configs/${c.ID}`);
        removed.push(c.Spec.Name);
      }
    } finally {
      this.topology.refresh(clusterId);
    }
    return { removed };
  }

  private async tasksGone(link: ClusterLink, serviceIds: Set<string>, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      const tasks = await link.request('read', (d) => dial<{ ServiceID: string }[]>(d, { path: '/tasks', method: 'GET' }));
      if (!tasks.some((task) => serviceIds.has(task.ServiceID))) return;
      await new Promise((r) => setTimeout(r, this.retryDelayMs));
    }
  }

  private plan(name: string, compose: string): { plan: StackPlan | null; findings: ComposeFinding[] } {
    const validated = validateCompose(compose);
    if (!validated.file) return { plan: null, findings: validated.findings };
    const plan = planStack(name, validated.file, validated.lineOf);
    const findings = [...validated.findings, ...plan.findings];
    return { plan, findings };
  }

  /**
   * One write, in the activity log with how it ended (never a value: configs and secrets appear by name).
   * A retried network removal logs each refusal, which is what happened.
   */
  private async record(cluster: string, action: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
      await this.activity.record({ cluster, host: null, action, result: 'ok', detail: '' });
    } catch (err) {
      const unknown = err instanceof CoreError && err.code === 'OUTCOME_UNKNOWN';
      const detail = err instanceof CoreError ? err.message : dockerMessage(err);
      await this.activity.record({ cluster, host: null, action, result: unknown ? 'unknown' : 'failed', detail });
      if (err instanceof CoreError) throw err;
      throw new CoreError('DOCKER_REFUSED', `Docker refused: ${detail}`, { params: { detail }, cause: err });
    }
  }
}

function refuseErrors(findings: ComposeFinding[]): void {
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  const detail = errors
    .slice(0, 3)
    .map((f) => (f.path ? `${f.path}: ${f.message}` : f.message))
    .join('; ');
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  throw new CoreError('COMPOSE_INVALID', `The compose file has errors: ${detail}${more}`, { params: { detail: `${detail}${more}` } });
}

function withObjectIds(spec: Record<string, unknown>, state: SwarmState): Record<string, unknown> {
  const template = spec['TaskTemplate'] as { ContainerSpec: Record<string, unknown> };
  const container = template.ContainerSpec;
  const idOf = (list: SwarmState['secrets'], name: string) => list.find((o) => o.Spec.Name === name)?.ID ?? '';
  const secrets = (container['Secrets'] as { SecretName: string }[]).map((s) => ({ ...s, SecretID: idOf(state.secrets, s.SecretName) }));
  const configs = (container['Configs'] as { ConfigName: string }[]).map((c) => ({ ...c, ConfigID: idOf(state.configs, c.ConfigName) }));
  return { ...spec, TaskTemplate: { ...template, ContainerSpec: { ...container, Secrets: secrets, Configs: configs } } };
}

function summarize(name: string, plan: StackPlan, findings: ComposeFinding[], state: SwarmState): StackCheck {
  return {
    name,
    findings,
    services: plan.services.map((s) => ({ name: s.name, exists: state.services.some((x) => x.Spec.Name === s.name) })),
    networks: plan.networks.map((n) => ({ name: n.name, external: n.external, exists: state.networks.some((x) => x.Name === n.name) })),
    volumes: plan.volumes,
    secrets: plan.secrets.map((s) => ({ name: s.name, external: s.external, exists: state.secrets.some((x) => x.Spec.Name === s.name) })),
    configs: plan.configs.map((c) => ({ name: c.name, external: c.external, exists: state.configs.some((x) => x.Spec.Name === c.name) })),
    deployable: !findings.some((f) => f.severity === 'error'),
  };
}
