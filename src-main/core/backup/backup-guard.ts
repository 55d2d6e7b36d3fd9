import type { BackupNodeRef, BackupRecord, BackupWarning, HostRecord } from '../../contract.js';
import { matchHost } from '../clusters/adoption.js';
import { CoreError } from '../errors.js';
import type { SwarmNode } from '../swarm/swarm-api.js';

export interface BackupChoice {
  node: BackupNodeRef | null;
  refused: CoreError | null;
  warnings: BackupWarning[];
}

export interface ChoiceInput {
  nodes: readonly SwarmNode[];
  records: HostRecord[];
  /** The operator's pick; without it the safest manager is chosen. */
  nodeId?: string | undefined;
  /** A single-manager swarm is backed up only with this (the swarm cannot be managed meanwhile). */
  acknowledgeSingleManager: boolean;
  /** The Hosts alias the cluster link talks through now: stopping another one keeps the app's view steady. */
  linkManager?: string | null;
}

export function quorumOf(managers: number): number {
  return Math.floor(managers / 2) + 1;
}

const hostname = (n: SwarmNode): string => n.Description?.Hostname ?? n.ID;
const isManager = (n: SwarmNode): boolean => n.Spec.Role === 'manager';
const reachable = (n: SwarmNode): boolean => n.ManagerStatus?.Reachability === 'reachable';
const ready = (n: SwarmNode): boolean => n.Status?.State === 'ready';

export function refusal(reason: string): CoreError {
  return new CoreError('BACKUP_REFUSED', `No backup was taken: ${reason}`, { params: { reason } });
}

/**
 * Which manager a backup may stop: never the leader (its stop forces an election), only one whose
 * stop leaves a raft majority of all managers reachable (those already unreachable count against it),
 * only one the app reaches over SSH (Hosts). A single manager is the exception: it is the leader, and
 * stopping it is allowed only when the operator accepts that the swarm cannot be managed meanwhile.
 */
export function chooseBackupNode(input: ChoiceInput): BackupChoice {
  const managers = input.nodes.filter(isManager);
  const ref = (n: SwarmNode, alias: string): BackupNodeRef => ({ id: n.ID, hostname: hostname(n), host: alias });
  const refuse = (reason: string, node: BackupNodeRef | null = null, warnings: BackupWarning[] = []): BackupChoice => ({
    node,
    refused: refusal(reason),
    warnings,
  });

  if (input.nodeId !== undefined) {
    const picked = input.nodes.find((n) => n.ID === input.nodeId);
    if (!picked) return refuse(`there is no node ${input.nodeId} in this swarm`);
    if (!isManager(picked)) return refuse(`${hostname(picked)} is a worker; only a manager holds the swarm state`);
  }

  if (managers.length === 1) {
    const only = managers[0]!;
    const alias = matchHost(only, input.records);
    const warnings: BackupWarning[] = ['SINGLE_MANAGER'];
    if (!alias)
      return refuse(`${hostname(only)}, the only manager, is not in Hosts; add it there so it can be reached over SSH`, null, warnings);
    const node = ref(only, alias);
    if (!input.acknowledgeSingleManager) {
      return refuse(
        `${hostname(only)} is the only manager: while Docker is stopped for the backup, the swarm cannot be managed (services keep running). Acknowledge this to go ahead`,
        node,
        warnings,
      );
    }
    return { node, refused: null, warnings };
  }

  const needed = quorumOf(managers.length);
  const reachableAfterStopping = (n: SwarmNode): number => managers.filter((m) => m.ID !== n.ID && reachable(m)).length;
  const quorumReason = (n: SwarmNode): string => {
    const left = reachableAfterStopping(n);
    const unreachable = managers.filter((m) => !reachable(m)).map(hostname);
    const already = unreachable.length > 0 ? ` (already unreachable: ${unreachable.join(', ')})` : '';
    return `stopping ${hostname(n)} would leave ${left} of ${managers.length} managers reachable${already}; quorum needs ${needed}`;
  };
  const problem = (n: SwarmNode): string | null => {
    if (n.ManagerStatus?.Leader) return `${hostname(n)} is the leader; stopping it forces an election. Pick another manager`;
    if (!ready(n) || !reachable(n)) return `${hostname(n)} is not Ready and Reachable; its copy of the swarm state may be behind`;
    if (!matchHost(n, input.records)) return `${hostname(n)} is not in Hosts; add it there so it can be reached over SSH`;
    if (reachableAfterStopping(n) < needed) return quorumReason(n);
    return null;
  };

  if (input.nodeId !== undefined) {
    const picked = managers.find((n) => n.ID === input.nodeId)!;
    const why = problem(picked);
    return why ? refuse(why) : { node: ref(picked, matchHost(picked, input.records)!), refused: null, warnings: [] };
  }

  const fit = managers.filter((n) => problem(n) === null);
  // Not the manager the app is talking through, when there is a choice: its view stays live meanwhile.
  fit.sort((a, b) => Number(matchHost(a, input.records) === input.linkManager) - Number(matchHost(b, input.records) === input.linkManager));
  const chosen = fit[0];
  if (chosen) return { node: ref(chosen, matchHost(chosen, input.records)!), refused: null, warnings: [] };

  // Nothing fits: say what stands in the way for the manager that came closest.
  const others = managers.filter((n) => !n.ManagerStatus?.Leader);
  const healthy = others.filter((n) => ready(n) && reachable(n));
  if (healthy.length === 0) {
    return refuse(`no manager other than the leader is Ready and Reachable (${managers.length} managers)`);
  }
  const inHosts = healthy.filter((n) => matchHost(n, input.records));
  if (inHosts.length === 0) {
    return refuse(`no manager other than the leader is in Hosts (${healthy.map(hostname).join(', ')}); add one there`);
  }
  return refuse(quorumReason(inHosts[0]!));
}

/** What a retention pass deletes: every archive but the `keep` newest. */
export function beyondKeep(records: readonly BackupRecord[], keep: number): BackupRecord[] {
  const newestFirst = [...records].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return newestFirst.slice(Math.max(keep, 1));
}
