import type Docker from 'dockerode';
import type { ComposeFinding } from '../../contract.js';
import { dial } from '../swarm/swarm-api.js';
import { NAMESPACE_LABEL, type StackPlan } from './stack-spec.js';

// What the swarm has now, by name, and what that means for a plan: which objects exist, and
// which existing ones a deploy could not use (Docker would refuse it half-way through otherwise).

export interface SwarmObject {
  ID: string;
  Version: { Index: number };
  Spec: { Name: string; Labels?: Record<string, string> | null; Data?: string; TaskTemplate?: { ForceUpdate?: number } };
}
export interface SwarmNetwork {
  Id: string;
  Name: string;
  Scope?: string;
  Labels?: Record<string, string> | null;
}

export interface SwarmState {
  services: SwarmObject[];
  networks: SwarmNetwork[];
  secrets: SwarmObject[];
  configs: SwarmObject[];
}

export async function readSwarm(docker: Docker, onlyStacks = false): Promise<SwarmState> {
  const query = onlyStacks ? { filters: { label: [NAMESPACE_LABEL] } } : {};
  const [services, networks, secrets, configs] = await Promise.all([
    dial<SwarmObject[]>(docker, { path: '/services', method: 'GET', query }),
    dial<SwarmNetwork[]>(docker, { path: '/networks', method: 'GET', query }),
    dial<SwarmObject[]>(docker, { path: '/secrets', method: 'GET', query }),
    dial<SwarmObject[]>(docker, { path: '/configs', method: 'GET', query }),
  ]);
  return { services, networks, secrets, configs };
}

/** The error findings for a plan against the swarm as it is. */
export function conflicts(stack: string, plan: StackPlan, state: SwarmState): ComposeFinding[] {
  const findings: ComposeFinding[] = [];
  const error = (path: string, message: string) => findings.push({ severity: 'error', path, code: 'COMPOSE_INVALID', message });
  for (const n of plan.networks) {
    const found = state.networks.find((x) => x.Name === n.name);
    if (n.external && !found)
      error(`networks.${n.key}`, `network ${n.name} is declared external but the swarm has none by that name; create it first`);
    else if (found && !n.external && found.Labels?.[NAMESPACE_LABEL] !== stack)
      error(`networks.${n.key}`, `a network ${n.name} exists that is not part of stack ${stack}; declare it external: true to use it`);
    else if (found && found.Scope && found.Scope !== 'swarm')
      error(`networks.${n.key}`, `network ${n.name} is a local network; services need a swarm-scoped one (overlay)`);
  }
  for (const s of plan.secrets) {
    if (!state.secrets.some((x) => x.Spec.Name === s.name))
      error(`secrets.${s.key}`, `secret ${s.name} is declared external but the swarm has none by that name; create it first`);
  }
  for (const c of plan.configs) {
    const found = state.configs.find((x) => x.Spec.Name === c.name);
    if (c.external && !found)
      error(`configs.${c.key}`, `config ${c.name} is declared external but the swarm has none by that name; create it first`);
    // Configs cannot change in swarm: a new content needs a new name.
    if (found && c.spec && found.Spec.Data !== c.spec['Data'])
      error(
        `configs.${c.key}`,
        `config ${c.name} exists with other content, and a config cannot change; give it a new name (e.g. ${c.key}_v2 with name:)`,
      );
  }
  for (const s of plan.services) {
    const found = state.services.find((x) => x.Spec.Name === s.name);
    if (found && found.Spec.Labels?.[NAMESPACE_LABEL] !== stack)
      error(`services.${s.key}`, `a service ${s.name} exists that is not part of stack ${stack}; remove or rename it first`);
  }
  return findings;
}
