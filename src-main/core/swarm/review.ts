import type { NodeRole, PlannedOperation, SwarmPlan } from '../../contract.js';
import { reviewExtras } from './bootstrap-extras.js';
import * as cmd from './commands.js';
import { resolveAdvertise } from './host-facts.js';
import type { PlanHostHandle } from './plan-hosts.js';
import { swarmApi } from './swarm-api.js';
import { membership, nodeOf, readPlanState } from './swarm-state.js';

/**
 * The operations a run would perform if started now, in order, read from the
 * hosts' current state the same way the run reads it: what is already true is
 * left out. Join tokens appear as placeholders.
 */
export async function reviewPlan(plan: SwarmPlan, handle: (alias: string) => PlanHostHandle): Promise<PlannedOperation[]> {
  const [state, advertise] = await Promise.all([readPlanState(plan, handle), resolveAdvertise(plan, handle)]);
  const ops: PlannedOperation[] = [];
  const anchor = state.anchor ?? plan.hosts.find((h) => h.role === 'manager')?.host;
  if (!anchor) return ops;
  const cleanFirst = (alias: string): boolean => ['pending', 'error'].includes(membership(state, alias));

  if (!state.anchor) {
    if (cleanFirst(anchor)) ops.push({ step: 'init', host: anchor, command: cmd.leaveForceCommand });
    ops.push({
      step: 'init',
      host: anchor,
      command: cmd.initCommand({ advertise: advertise.get(anchor)!, pool: plan.addressPool, autolock: plan.autolock }),
    });
  } else {
    const swarm = await handle(anchor).docker.request('read', (d) => swarmApi.inspect(d));
    if ((swarm.Spec.EncryptionConfig?.AutoLockManagers === true) !== plan.autolock)
      ops.push({ step: 'init', host: anchor, command: cmd.autolockCommand(plan.autolock) });
  }
  const remote = `${state.infos.get(anchor)?.Swarm?.NodeAddr || advertise.get(anchor)}:2377`;

  const joinOps = (alias: string, role: NodeRole, step: PlannedOperation['step']): void => {
    const node = nodeOf(state, alias);
    if (node && membership(state, alias) === 'this') {
      const current = node.Spec.Role === 'manager' ? 'manager' : 'worker';
      const name = node.Description?.Hostname ?? node.ID;
      if (current !== role)
        ops.push({ step, host: anchor, command: role === 'manager' ? cmd.promoteCommand(name) : cmd.demoteCommand(name) });
      return;
    }
    if (cleanFirst(alias)) ops.push({ step, host: alias, command: cmd.leaveForceCommand });
    ops.push({ step, host: alias, command: cmd.joinCommand({ role, advertise: advertise.get(alias)!, remote }) });
  };
  for (const h of plan.hosts) if (h.role === 'manager' && h.host !== anchor) joinOps(h.host, 'manager', 'joinManager');
  for (const h of plan.hosts) if (h.role === 'worker') joinOps(h.host, 'worker', 'joinWorkers');

  if (plan.dedicatedManagers) {
    for (const h of plan.hosts.filter((p) => p.role === 'manager')) {
      const node = nodeOf(state, h.host);
      if (node?.Spec.Availability !== 'drain')
        ops.push({ step: 'drainManagers', host: anchor, command: cmd.drainCommand(node?.Description?.Hostname ?? h.host) });
    }
  }
  const existing = state.anchor ? await handle(anchor).docker.request('read', (d) => d.listNetworks()) : [];
  for (const n of plan.networks) {
    if (!existing.some((e) => e.Name === n.name)) ops.push({ step: 'networks', host: anchor, command: cmd.networkCreateCommand(n) });
  }
  for (const command of cmd.verifyCommands(plan.networks.map((n) => n.name))) ops.push({ step: 'verify', host: anchor, command });
  ops.push(...reviewExtras(plan, (alias) => advertise.get(alias)));
  return ops;
}
