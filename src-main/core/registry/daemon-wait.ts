import type { ClusterProfile } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';
import { readEngineInfo } from '../swarm/host-facts.js';
import { swarmApi, type EngineInfo, type SwarmNode } from '../swarm/swarm-api.js';
import { withTimeout } from '../util/with-timeout.js';
import type { RolloutNode } from './daemon-rollout.js';

export interface BackTimeouts {
  /** How long a restarted node may take to be back in the swarm (and reachable, and unlocked, for a manager). */
  readyMs: number;
}

const POLL_MS = 1000;
const PROBE_MS = 10_000;

interface RegistryInfo extends EngineInfo {
  RegistryConfig?: { IndexConfigs?: Record<string, { Secure?: boolean }> | null } | null;
}

/**
 * Until the restarted node is back: its own Docker answers as an active swarm
 * node (unlocked with the key from the keychain if autolock locked it), lists
 * the registry as insecure, and the other managers see it Ready (and Reachable,
 * for a manager) after it registered again: its node object changed since
 * before the restart. A restart is over in seconds, too fast for the managers
 * to mark the node Down, so Ready alone would be stale.
 */
export async function waitBack(o: {
  deps: ProductionDeps;
  profile: ClusterProfile;
  node: RolloutNode;
  /** The node object's version before the restart. */
  version: number;
  endpoint: string;
  /** Managers (aliases) to ask about the node: the others, so that the restarted one need not answer for itself. */
  viewers: string[];
  timeouts: BackTimeouts;
}): Promise<void> {
  const { node } = o;
  const manager = node.role === 'manager';
  const handle = o.deps.planHosts.get(node.alias);
  const deadline = Date.now() + o.timeouts.readyMs;
  for (;;) {
    let last: string;
    const info = (await withTimeout(readEngineInfo(handle), PROBE_MS).catch(() => null)) as RegistryInfo | null;
    const swarm = info?.Swarm;
    if (swarm?.LocalNodeState === 'locked') {
      // SWARM_LOCKED (no key given, or a wrong one) ends the wait: nothing else will unlock it.
      await o.deps.unlocker.unlockLocked(o.profile);
      last = 'it stayed locked (autolock)';
    } else if (!info) {
      last = 'its Docker did not answer';
    } else if (swarm?.LocalNodeState !== 'active' || (manager && !swarm.ControlAvailable)) {
      last = `its Docker answers, but its swarm state is ${swarm?.LocalNodeState || 'none'}${swarm?.Error ? ` (${swarm.Error})` : ''}`;
    } else if (!listsInsecure(info, o.endpoint)) {
      const detail = `${node.alias} restarted, but its Docker does not list ${o.endpoint} as an insecure registry`;
      throw new CoreError('REGISTRY_FAILED', detail, { params: { step: 'restart', detail } });
    } else {
      const nodes = await swarmView([...o.viewers, ...(o.viewers.length === 0 ? [node.alias] : [])], o.deps);
      const seen = nodes?.find((n) => n.ID === node.nodeId);
      if (!nodes) last = 'no manager answered to say how the swarm sees it';
      else if (!seen) last = 'the swarm no longer lists it';
      else if (isBack(seen, manager, o.version)) return;
      else
        last = `the swarm sees it ${seen.Status?.State ?? 'unknown'}${manager ? `, ${seen.ManagerStatus?.Reachability ?? 'not a manager'}` : ''}`;
    }
    if (Date.now() > deadline) throw notBack(node, `not back after ${Math.round(o.timeouts.readyMs / 1000)} s: ${last}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export function isBack(seen: SwarmNode, manager: boolean, version: number): boolean {
  return seen.Version.Index > version && seen.Status?.State === 'ready' && (!manager || seen.ManagerStatus?.Reachability === 'reachable');
}

export function notBack(node: RolloutNode, detail: string, cause?: unknown): CoreError {
  return new CoreError('DAEMON_NOT_BACK', `Docker on ${node.alias} did not come back after the restart: ${detail}`, {
    params: { host: node.alias, detail },
    ...(cause === undefined ? {} : { cause }),
  });
}

function listsInsecure(info: RegistryInfo, endpoint: string): boolean {
  const configs = info.RegistryConfig?.IndexConfigs ?? {};
  return Object.entries(configs).some(([name, config]) => name.toLowerCase() === endpoint.toLowerCase() && config.Secure === false);
}

/** The node list as the first manager that answers sees it; null when none does (an election may be under way). */
async function swarmView(aliases: string[], deps: ProductionDeps): Promise<SwarmNode[] | null> {
  for (const alias of aliases) {
    try {
      const handle = deps.planHosts.get(alias);
      return await withTimeout(
        handle.docker.request('read', (d) => swarmApi.nodes(d)),
        PROBE_MS,
      );
    } catch {
      // The next manager may answer.
    }
  }
  return null;
}
