import type {
  RegistryConfig,
  RegistryMode,
  RegistryPlanStep,
  RegistryProgress,
  RegistryStep,
  TopologyNetwork,
  TopologyNode,
} from '../../../../../src-main/contract.js';
import type { TopologyView } from '../../../lib/topology/indexes.js';

// The registry form as typed, turned into the contract's config. The checks here need no swarm
// (a port that is not a number, a field left empty, the no-TLS acknowledgement); the core's plan
// checks the rest. The password is not part of the form: it is held apart and sent once.

export const DEFAULT_IMAGE = 'registry:2';
export const DEFAULT_PORT = '5000';

export interface RegistryForm {
  nodeId: string;
  port: string;
  publish: 'host' | 'ingress';
  image: string;
  mode: RegistryMode;
  acknowledgeInsecure: boolean;
  address: string;
  auth: boolean;
  username: string;
  /** '' for none. */
  network: string;
}

export type RegistryField = 'nodeId' | 'port' | 'image' | 'address' | 'acknowledgeInsecure' | 'username' | 'password';

export function emptyRegistryForm(): RegistryForm {
  return {
    nodeId: '',
    port: DEFAULT_PORT,
    publish: 'host',
    image: DEFAULT_IMAGE,
    mode: 'tls',
    acknowledgeInsecure: false,
    address: '',
    auth: false,
    username: '',
    network: '',
  };
}

export function registryFormFrom(config: RegistryConfig): RegistryForm {
  return {
    nodeId: config.nodeId,
    port: String(config.port),
    publish: config.publish,
    image: config.image,
    mode: config.mode,
    acknowledgeInsecure: config.acknowledgeInsecure,
    address: config.address,
    auth: config.username !== null,
    username: config.username ?? '',
    network: config.network ?? '',
  };
}

/** The address follows the chosen node until the operator types another one. */
export function addressAfterNodeChange(form: RegistryForm, nodes: readonly TopologyNode[], nodeId: string): string {
  const before = nodes.find((n) => n.id === form.nodeId)?.address ?? '';
  const after = nodes.find((n) => n.id === nodeId)?.address ?? '';
  return form.address.trim() === '' || form.address.trim() === before ? after : form.address;
}

/** A login needs TLS: in no-TLS mode it is never sent. */
export const usesLogin = (form: RegistryForm): boolean => form.mode === 'tls' && form.auth;

export function toRegistryConfig(form: RegistryForm, password: string): { config: RegistryConfig | null; invalid: RegistryField[] } {
  const invalid: RegistryField[] = [];
  const portText = form.port.trim();
  const port = Number(portText);
  if (form.nodeId === '') invalid.push('nodeId');
  if (!/^\d+$/.test(portText) || port < 1 || port > 65_535) invalid.push('port');
  if (form.image.trim() === '') invalid.push('image');
  if (form.address.trim() === '') invalid.push('address');
  if (form.mode === 'insecure' && !form.acknowledgeInsecure) invalid.push('acknowledgeInsecure');
  if (usesLogin(form) && form.username.trim() === '') invalid.push('username');
  if (usesLogin(form) && password.length < 8) invalid.push('password');
  if (invalid.length > 0) return { config: null, invalid };
  return {
    config: {
      nodeId: form.nodeId,
      port,
      publish: form.publish,
      image: form.image.trim(),
      mode: form.mode,
      address: form.address.trim(),
      username: usesLogin(form) ? form.username.trim() : null,
      acknowledgeInsecure: form.mode === 'insecure' && form.acknowledgeInsecure,
      network: form.network === '' ? null : form.network,
    },
    invalid,
  };
}

/** The nodes as the map orders them, and the overlay networks a service can attach to. */
export function topologyChoices(view: TopologyView | null): { nodes: TopologyNode[]; networks: TopologyNetwork[] } {
  if (!view) return { nodes: [], networks: [] };
  const nodes = view.index.nodeOrder.map((id) => view.model.nodes.get(id)).filter((n): n is TopologyNode => n !== undefined);
  const networks = [...view.model.networks.values()]
    .filter((n) => n.driver === 'overlay' && !n.ingress)
    .sort((a, b) => a.name.localeCompare(b.name));
  return { nodes, networks };
}

/** A step of one target is one line: the restart of each node is its own. */
export const stepKey = (step: RegistryStep, target: string | null): string => `${step}|${target ?? ''}`;

/** The plan's lines, then any step the core reported that the plan did not list, in the order seen. */
export function progressLines(
  plan: readonly RegistryPlanStep[],
  seen: ReadonlyMap<string, RegistryProgress>,
): { key: string; step: RegistryStep; target: string | null; progress: RegistryProgress | undefined }[] {
  const lines = plan.map((p) => ({
    key: stepKey(p.step, p.target),
    step: p.step,
    target: p.target,
    progress: seen.get(stepKey(p.step, p.target)),
  }));
  const planned = new Set(lines.map((l) => l.key));
  for (const [key, progress] of seen) {
    if (!planned.has(key)) lines.push({ key, step: progress.step, target: progress.target, progress });
  }
  return lines;
}
