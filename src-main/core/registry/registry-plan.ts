import type { ClusterProfile, HostRecord, RegistryConfig, RegistryPlanStep } from '../../contract.js';
import { matchHost } from '../clusters/adoption.js';
import type { ClusterLink } from '../docker/cluster-link.js';
import { CoreError } from '../errors.js';
import { swarmApi, type SwarmNode } from '../swarm/swarm-api.js';
import type { RolloutNode } from './daemon-rollout.js';
import { checkConfigRules, endpointOf, REGISTRY_SERVICE } from './registry-rules.js';

export interface PlacedNode {
  node: SwarmNode;
  hostname: string;
  /** Its Hosts alias; null: the app cannot reach it over SSH. */
  alias: string | null;
}

/** Everything a deploy works from, read once; every refusal is found while building it. */
export interface RegistryContext {
  profile: ClusterProfile;
  link: ClusterLink;
  config: RegistryConfig;
  endpoint: string;
  registry: PlacedNode & { alias: string };
  nodes: PlacedNode[];
  /** Insecure mode: the restart order (every node is then in Hosts). */
  rollout: RolloutNode[] | null;
  /** A node other than the registry's that pulls the check image; then one that runs it (the same one in a two-node swarm). */
  pullNode: PlacedNode & { alias: string };
  runNode: PlacedNode & { alias: string };
}

export function refused(reason: string): CoreError {
  return new CoreError('REGISTRY_REFUSED', `The registry cannot be deployed like this: ${reason}`, { params: { reason } });
}

interface ServiceListed {
  Spec?: { Name?: string };
  Endpoint?: { Ports?: { PublishedPort?: number }[] };
}

export async function buildContext(
  profile: ClusterProfile,
  link: ClusterLink,
  config: RegistryConfig,
  records: HostRecord[],
  rolloutOrder: () => Promise<RolloutNode[]>,
): Promise<RegistryContext> {
  checkConfigRules(config);
  const swarmNodes = await link.request('read', (d) => swarmApi.nodes(d));
  const nodes: PlacedNode[] = swarmNodes.map((node) => ({
    node,
    hostname: node.Description?.Hostname ?? node.ID,
    alias: matchHost(node, records),
  }));
  const target = nodes.find((n) => n.node.ID === config.nodeId);
  if (!target) throw refused(`there is no node ${config.nodeId} in this swarm.`);
  if (target.node.Status?.State !== 'ready') throw refused(`${target.hostname} is ${target.node.Status?.State ?? 'unknown'}, not ready.`);
  if (!target.alias) {
    throw refused(`${target.hostname} is not in Hosts; the app checks the registry from its node over SSH. Add it to Hosts first.`);
  }
  const registry = { ...target, alias: target.alias };

  if (config.network) {
    const name = config.network;
    const networks = (await link.request('read', (d) => d.listNetworks({ filters: { name: [name] } }))) as {
      Name: string;
      Driver: string;
      Scope: string;
    }[];
    const network = networks.find((n) => n.Name === name);
    if (!network || network.Driver !== 'overlay' || network.Scope !== 'swarm')
      throw refused(`${name} is not an overlay network of this swarm.`);
  }
  const services = (await link.request('read', (d) => d.listServices())) as ServiceListed[];
  const clash = services.find(
    (s) => s.Spec?.Name !== REGISTRY_SERVICE && (s.Endpoint?.Ports ?? []).some((p) => p.PublishedPort === config.port),
  );
  if (clash) throw refused(`port ${config.port} is already published by the service ${clash.Spec?.Name ?? '?'}.`);

  // Insecure: every node's daemon.json is written over SSH, so each must be in Hosts (order() says which is not).
  const rollout = config.mode === 'insecure' ? await rolloutOrder() : null;

  // Verification nodes: reachable over SSH, up, and (for the run) taking tasks; workers first.
  const others = nodes
    .filter((n): n is PlacedNode & { alias: string } => n.alias !== null && n.node.ID !== config.nodeId && n.node.Status?.State === 'ready')
    .sort((a, b) => Number(a.node.Spec.Role === 'manager') - Number(b.node.Spec.Role === 'manager'));
  const active = others.filter((n) => (n.node.Spec.Availability ?? 'active') === 'active');
  const pullNode = others[0];
  const runNode = active.find((n) => n !== pullNode) ?? active[0];
  if (!pullNode || !runNode) {
    throw refused(
      'the check at the end pulls and runs the image on a node other than the registry’s; this swarm has no other ready, active node in Hosts.',
    );
  }
  return { profile, link, config, endpoint: endpointOf(config), registry, nodes, rollout, pullNode, runNode };
}

/** The steps a deploy runs, in order, with the host (alias) each touches. */
export function planSteps(ctx: RegistryContext): RegistryPlanStep[] {
  const steps: RegistryPlanStep[] = [{ step: 'check', target: null }];
  if (ctx.config.mode === 'tls') {
    steps.push({ step: 'certificates', target: null }, { step: 'secrets', target: null });
    for (const n of ctx.nodes) {
      steps.push(
        n.alias
          ? { step: 'ca-copy', target: n.alias }
          : {
              step: 'ca-copy',
              target: n.hostname,
              warning: `${n.hostname} is not in Hosts: copy the CA there by hand, or it cannot pull.`,
            },
      );
    }
  } else {
    for (const n of ctx.rollout ?? []) steps.push({ step: 'daemon-json', target: n.alias });
    for (const n of ctx.rollout ?? []) steps.push({ step: 'restart', target: n.alias });
  }
  steps.push(
    { step: 'service', target: ctx.registry.alias },
    { step: 'verify-push', target: ctx.registry.alias },
    { step: 'verify-pull', target: ctx.pullNode.alias },
    { step: 'verify-run', target: ctx.runNode.alias },
  );
  return steps;
}
