import { CoreError } from '../errors.js';
import type { PlanHostHandle, PlanHosts } from '../swarm/plan-hosts.js';
import { dial, dockerMessage, swarmApi, type SwarmNode } from '../swarm/swarm-api.js';
import { advertiseAddress, NotYet, readEngine, StepFailure, sudoMust, waitFor } from './restore-host.js';

/**
 * The manager set of a restored swarm: the old managers' entries dropped, and managers re-added.
 *
 * Found in the lab (Docker 20.10): after `--force-new-cluster` the old managers stay listed with
 * role manager but no manager status (they are no longer raft members, so they do not count for
 * quorum), go Down, and a demotion is refused ("can't find manager in raft memberlist"); a plain
 * removal works. And the restored manager keeps the backup node's raft address whatever
 * `--advertise-addr` says (docker/for-linux#523, moby#34306): a manager joining it then answers
 * the old address, and the two-manager swarm loses quorum at once. So the first re-added manager
 * reaches the old address through a temporary DNAT rule on itself while the restored node is
 * demoted and promoted again, which makes it rejoin raft with its real address; the rule is then
 * removed, and the other managers join plainly.
 */

const SWARM_PORT = 2377;
const RULE_COMMENT = 'swarmdeck-restore';

export interface ManagerContext {
  target: PlanHostHandle;
  targetAddr: string;
  selfId: string;
  swarmId: string;
  planHosts: PlanHosts;
  joinMs: number;
  progress: (detail: string) => void;
}

const nodesOf = (handle: PlanHostHandle): Promise<SwarmNode[]> => handle.docker.request('read', (d) => swarmApi.nodes(d));

/** Old managers' entries: listed as managers, out of raft (no manager status), not this node. Removed; their hostnames returned. */
export async function removeOldManagers(target: PlanHostHandle, selfId: string): Promise<SwarmNode[]> {
  const stale = (await nodesOf(target)).filter((n) => n.ID !== selfId && n.Spec.Role === 'manager' && !n.ManagerStatus);
  for (const node of stale) {
    await target.docker.request('write', (d) => dial<void>(d, { path: `/nodes/${node.ID}`, method: 'DELETE', query: { force: true } }));
  }
  return stale;
}

/** The restored node's raft address when it is not the one it now advertises (the backup node's, kept by Docker). */
export async function staleRaftAddress(target: PlanHostHandle, selfId: string, targetAddr: string): Promise<string | null> {
  const self = (await nodesOf(target)).find((n) => n.ID === selfId);
  const addr = self?.ManagerStatus?.Addr ?? '';
  return addr && addr !== `${targetAddr}:${SWARM_PORT}` ? addr : null;
}

/** Joins each host as a manager through the restored node, waiting until it is Ready and Reachable. */
export async function addManagers(ctx: ManagerContext, aliases: readonly string[]): Promise<string[]> {
  const joined: string[] = [];
  const swarm = await ctx.target.docker.request('read', (d) => swarmApi.inspect(d));
  const token = swarm.JoinTokens.Manager;
  let stale = await staleRaftAddress(ctx.target, ctx.selfId, ctx.targetAddr);
  for (const alias of aliases) {
    const handle = ctx.planHosts.get(alias);
    await leaveOldSwarm(handle, alias, ctx.swarmId);
    if (stale) {
      await withRedirect(handle, stale, `${ctx.targetAddr}:${SWARM_PORT}`, async () => {
        const nodeId = await join(ctx, handle, alias, token);
        ctx.progress(`${alias} joined; the restored node rejoins raft with its own address`);
        await moveRaftAddress(ctx, handle, nodeId);
      });
      stale = null;
    } else {
      await join(ctx, handle, alias, token);
    }
    joined.push(alias);
    ctx.progress(`${joined.length} of ${aliases.length} managers added`);
  }
  return joined;
}

/** A host of the backup's own swarm leaves it first; one of another swarm is never touched. */
async function leaveOldSwarm(handle: PlanHostHandle, alias: string, swarmId: string): Promise<void> {
  const info = await readEngine(handle);
  const state = info.Swarm?.LocalNodeState ?? 'inactive';
  if (state === 'inactive') return;
  if (state === 'locked') throw new StepFailure(`${alias} is locked, so the swarm it belongs to cannot be read; it was left alone`);
  if (info.Swarm?.Cluster?.ID !== swarmId) throw new StepFailure(`${alias} is in another swarm; it was left alone`);
  await handle.docker.request('write', (d) => swarmApi.leave(d, true));
}

async function join(ctx: ManagerContext, handle: PlanHostHandle, alias: string, token: string): Promise<string> {
  const addr = await advertiseAddress(handle);
  try {
    await handle.docker.request('write', (d) =>
      swarmApi.join(d, {
        ListenAddr: `0.0.0.0:${SWARM_PORT}`,
        AdvertiseAddr: addr,
        RemoteAddrs: [`${ctx.targetAddr}:${SWARM_PORT}`],
        JoinToken: token,
      }),
    );
  } catch (err) {
    const detail = err instanceof CoreError ? err.message : dockerMessage(err);
    // Docker answers after 20 s and keeps joining in the background: the wait below decides.
    if (!/timeout was reached before node joined/i.test(detail)) throw new StepFailure(`${alias} could not join: ${detail}`);
  }
  const nodeId = await waitFor(`${alias} joining`, ctx.joinMs, async () => {
    const info = await readEngine(handle);
    return info.Swarm?.LocalNodeState === 'active' && info.Swarm.NodeID
      ? info.Swarm.NodeID
      : new NotYet(`its swarm state is "${info.Swarm?.LocalNodeState}"`);
  });
  await waitManager(ctx, ctx.target, nodeId, alias);
  return nodeId;
}

async function waitManager(ctx: ManagerContext, via: PlanHostHandle, nodeId: string, name: string, addr?: string): Promise<void> {
  await waitFor(`${name} Ready and Reachable as a manager`, ctx.joinMs, async () => {
    const node = (await nodesOf(via)).find((n) => n.ID === nodeId);
    if (!node) return new NotYet('not listed yet');
    const ok =
      node.Status?.State === 'ready' &&
      node.ManagerStatus?.Reachability === 'reachable' &&
      (addr === undefined || node.ManagerStatus.Addr === addr);
    return ok ? true : new NotYet(`${node.Status?.State ?? '?'}/${node.ManagerStatus?.Reachability ?? 'worker'}`);
  });
}

/** Demotes the restored node through itself, then promotes it through the new manager: it rejoins raft advertising its real address. */
async function moveRaftAddress(ctx: ManagerContext, helper: PlanHostHandle, helperNodeId: string): Promise<void> {
  const self = (await nodesOf(ctx.target)).find((n) => n.ID === ctx.selfId);
  if (!self) throw new StepFailure('the restored node is not in its own node list');
  await ctx.target.docker.request('write', (d) => swarmApi.updateNode(d, self, { ...self.Spec, Role: 'worker' }));
  await waitFor('the restored node leaving raft', ctx.joinMs, async () => {
    const nodes = await nodesOf(helper);
    const leader = nodes.find((n) => n.ID === helperNodeId)?.ManagerStatus?.Leader === true;
    const out = !nodes.find((n) => n.ID === ctx.selfId)?.ManagerStatus;
    return leader && out ? true : new NotYet('still a raft member');
  });
  const demoted = (await nodesOf(helper)).find((n) => n.ID === ctx.selfId)!;
  await helper.docker.request('write', (d) => swarmApi.updateNode(d, demoted, { ...demoted.Spec, Role: 'manager' }));
  await waitManager(ctx, helper, ctx.selfId, 'the restored node', `${ctx.targetAddr}:${SWARM_PORT}`);
}

/** Runs `body` while the host's own outgoing connections to `from` go to `to`; the rule is removed whatever happens. */
async function withRedirect(handle: PlanHostHandle, from: string, to: string, body: () => Promise<void>): Promise<void> {
  const [host, port] = [from.slice(0, from.lastIndexOf(':')), from.slice(from.lastIndexOf(':') + 1)];
  const rule = (op: '-I' | '-D'): string[] => [
    'iptables',
    '-t',
    'nat',
    op,
    'OUTPUT',
    '-p',
    'tcp',
    '-d',
    host,
    '--dport',
    port,
    '-m',
    'comment',
    '--comment',
    RULE_COMMENT,
    '-j',
    'DNAT',
    '--to-destination',
    to,
  ];
  await sudoMust(handle, rule('-I'), 30_000);
  const remove = (): Promise<string> => sudoMust(handle, rule('-D'), 30_000);
  try {
    await body();
  } catch (err) {
    await remove().catch(() => undefined);
    throw err;
  }
  await remove().catch((err: unknown) => {
    throw new StepFailure(
      `the temporary rule (iptables -t nat OUTPUT, comment ${RULE_COMMENT}) on ${handle.alias} could not be removed: ${String(err)}`,
    );
  });
}
