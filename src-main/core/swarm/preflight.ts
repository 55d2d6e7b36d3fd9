import type { CheckStatus, HostFacts, PreflightCheck, PreflightCheckId, PreflightReport, SwarmPlan } from '../../contract.js';
import { toContractError } from '../errors.js';
import { overlaps, parseCidr } from './cidr.js';
import { readShellFacts, toHostFacts, type ShellFacts } from './host-facts.js';
import type { PlanHostHandle } from './plan-hosts.js';
import { checkPorts, type PortProbe } from './port-probe.js';
import { membership, readPlanState } from './swarm-state.js';
import { swarmApi, type EngineInfo } from './swarm-api.js';

export const MINIMUM_ENGINE = '20.10';
const CLOCK_WARN_MS = 2000;
/** Checks about the plan as a whole, not one host (the UI shows them apart). */
export const WHOLE_PLAN = '';

type Emit = (check: PreflightCheck) => void;
type Report = (host: string, check: PreflightCheckId, status: CheckStatus, code: string, params?: Record<string, string>) => void;

interface HostOutcome {
  handle: PlanHostHandle;
  shell: ShellFacts | null;
  info: EngineInfo | null;
  localSubnets: { network: string; subnet: string }[];
}

/**
 * Every check on every host, hosts in parallel; each line is emitted as soon as
 * it is known. Failures say what is wrong; the renderer adds how to fix it.
 */
export async function runPreflight(plan: SwarmPlan, handle: (alias: string) => PlanHostHandle, emit: Emit): Promise<PreflightReport> {
  const checks: PreflightCheck[] = [];
  const report: Report = (host, check, status, code, params = {}) => {
    const line = { host, check, status, code, params };
    checks.push(line);
    emit(line);
  };

  const outcomes = await Promise.all(plan.hosts.map((h) => checkHost(handle(h.host), report)));
  const reachable = outcomes.filter((o): o is HostOutcome & { shell: ShellFacts } => o.shell !== null);

  // Swarm membership needs every host's answer: "this swarm" is the one a planned manager already runs.
  const answered = new Set(outcomes.filter((o) => o.info).map((o) => o.handle.alias));
  const state = await readPlanState(plan, handle, answered).catch(() => null);
  for (const o of outcomes) {
    if (!o.info) continue;
    const swarm = o.info.Swarm;
    const kind = state ? membership(state, o.handle.alias) : 'inactive';
    const swarmId = swarm?.Cluster?.ID ?? state?.swarmId ?? '';
    if (kind === 'inactive') report(o.handle.alias, 'swarm', 'pass', 'SWARM_INACTIVE');
    else if (kind === 'this')
      report(o.handle.alias, 'swarm', 'pass', 'SWARM_THIS', { role: swarm?.ControlAvailable ? 'manager' : 'worker', swarmId });
    else if (kind === 'pending') report(o.handle.alias, 'swarm', 'warn', 'SWARM_PENDING');
    else if (kind === 'locked') report(o.handle.alias, 'swarm', 'warn', 'SWARM_LOCKED', { swarmId });
    else if (kind === 'error') report(o.handle.alias, 'swarm', 'warn', 'SWARM_ERROR', { detail: swarm?.Error ?? '' });
    else {
      const managers = (swarm?.RemoteManagers ?? []).map((m) => m.Addr).join(', ');
      report(o.handle.alias, 'swarm', 'fail', 'SWARM_OTHER', { swarmId, managers });
    }
  }

  const byHostname = new Map<string, string>();
  for (const o of reachable) {
    const other = byHostname.get(o.shell.hostname);
    if (other) report(o.handle.alias, 'hostname', 'fail', 'HOSTNAME_TWICE', { hostname: o.shell.hostname, other });
    else {
      byHostname.set(o.shell.hostname, o.handle.alias);
      report(o.handle.alias, 'hostname', 'pass', 'HOSTNAME_UNIQUE', { hostname: o.shell.hostname });
    }
  }

  await checkReachability(plan, reachable, report);
  checkSubnets(plan, reachable, report);

  report(WHOLE_PLAN, 'udpPorts', 'info', 'UDP_NOT_VERIFIABLE', { ports: '7946/udp, 4789/udp' });
  if (plan.networks.some((n) => n.encrypted)) report(WHOLE_PLAN, 'esp', 'info', 'ESP_NOTE');

  const facts: HostFacts[] = reachable.map((o) => toHostFacts(o.handle, o.shell, o.info));
  return { checks, facts, passed: !checks.some((c) => c.status === 'fail') };
}

async function checkHost(handle: PlanHostHandle, report: Report): Promise<HostOutcome> {
  const host = handle.alias;
  const outcome: HostOutcome = { handle, shell: null, info: null, localSubnets: [] };
  report(host, 'ssh', 'running', 'SSH_CONNECTING');
  try {
    const connection = await handle.link.attemptNow();
    report(host, 'ssh', 'pass', 'SSH_OK', { keyType: connection.hostKey.type, fingerprint: connection.hostKey.fingerprint });
    outcome.shell = await readShellFacts(handle);
  } catch (err) {
    report(host, 'ssh', 'fail', 'SSH_ERROR', { error: toContractError(err).code });
    return outcome;
  }
  const shell = outcome.shell;

  const offset = shell.clockOffsetMs;
  if (Number.isNaN(offset)) report(host, 'clock', 'warn', 'CLOCK_UNKNOWN');
  else if (Math.abs(offset) - shell.clockUncertaintyMs > CLOCK_WARN_MS)
    report(host, 'clock', 'warn', 'CLOCK_SKEW', { offsetMs: String(Math.round(offset)) });
  else report(host, 'clock', 'pass', 'CLOCK_OK', { offsetMs: String(Math.round(offset)) });

  if (shell.sudo === 'password') report(host, 'sudo', 'warn', 'SUDO_NEEDS_PASSWORD');
  else if (shell.sudo === 'missing') report(host, 'sudo', 'warn', 'SUDO_MISSING');
  else report(host, 'sudo', 'pass', 'SUDO_OK');

  if (!shell.dockerCli && !shell.socketExists) {
    report(host, 'docker', 'fail', 'DOCKER_MISSING');
    return outcome;
  }
  const user = handle.record.user;
  if (shell.socketExists && !shell.socketWritable) {
    report(host, 'dockerAccess', 'fail', 'DOCKER_ACCESS_DENIED', { user });
    return outcome;
  }
  try {
    outcome.info = await handle.docker.request('read', (docker) => swarmApi.info(docker));
    const networks = await handle.docker.request('read', (docker) => docker.listNetworks());
    outcome.localSubnets = networks
      .filter((n) => n.Scope === 'local')
      .flatMap((n) => (n.IPAM?.Config ?? []).map((c) => ({ network: n.Name, subnet: c.Subnet ?? '' })))
      .filter((s) => s.subnet);
  } catch {
    report(host, 'dockerAccess', 'fail', shell.socketExists ? 'DOCKER_ACCESS_DENIED' : 'DOCKER_MISSING', { user });
    return outcome;
  }
  report(host, 'dockerAccess', 'pass', 'DOCKER_ACCESS_OK', { user });
  const version = outcome.info.ServerVersion ?? '';
  if (compareVersions(version, MINIMUM_ENGINE) < 0) report(host, 'docker', 'fail', 'DOCKER_TOO_OLD', { version, minimum: MINIMUM_ENGINE });
  else report(host, 'docker', 'pass', 'DOCKER_OK', { version });
  return outcome;
}

/** 2377/tcp to every manager and 7946/tcp to every other host, tried from the hosts themselves. */
async function checkReachability(plan: SwarmPlan, reachable: (HostOutcome & { shell: ShellFacts })[], report: Report): Promise<void> {
  const address = new Map(reachable.map((o) => [o.handle.alias, advertiseOf(plan, o.handle.alias, o.shell)]));
  const managers = new Set(plan.hosts.filter((h) => h.role === 'manager').map((h) => h.host));
  await Promise.all(
    reachable.map(async (from) => {
      const probes: PortProbe[] = [];
      for (const [alias, target] of address) {
        if (alias === from.handle.alias) continue;
        if (managers.has(alias)) probes.push({ target: alias, address: target, port: 2377 });
        probes.push({ target: alias, address: target, port: 7946 });
      }
      if (probes.length === 0) return;
      const fromAlias = from.handle.alias;
      if (!from.shell.hasBash) {
        report(fromAlias, 'gossipPort', 'warn', 'PORT_UNTESTABLE', { from: fromAlias, reason: 'bash missing' });
        return;
      }
      const results = await checkPorts(from.handle, probes).catch((err: unknown) => {
        report(fromAlias, 'gossipPort', 'warn', 'PORT_UNTESTABLE', { from: fromAlias, reason: (err as Error).message });
        return null;
      });
      if (!results) return;
      for (const port of [2377, 7946]) {
        const check: PreflightCheckId = port === 2377 ? 'managerPort' : 'gossipPort';
        const ofPort = results.filter((r) => r.probe.port === port);
        if (ofPort.length === 0) continue;
        const blocked = ofPort.filter((r) => r.verdict === 'blocked');
        for (const r of blocked)
          report(fromAlias, check, 'fail', 'PORT_BLOCKED', {
            port: String(port),
            from: fromAlias,
            target: r.probe.target,
            detail: r.detail,
          });
        if (blocked.length > 0) continue;
        const listening = ofPort.every((r) => r.verdict === 'open');
        const targets = ofPort.map((r) => r.probe.target).join(', ');
        report(fromAlias, check, 'pass', listening ? 'PORT_OPEN' : 'PORT_REFUSED_OK', {
          port: String(port),
          from: fromAlias,
          target: targets,
        });
      }
    }),
  );
}

/** Planned overlay subnets against the hosts' own interfaces and local Docker networks (docker0, docker_gwbridge). */
function checkSubnets(plan: SwarmPlan, reachable: (HostOutcome & { shell: ShellFacts })[], report: Report): void {
  if (plan.networks.length === 0) return;
  for (const o of reachable) {
    const local = [
      ...o.localSubnets,
      ...o.shell.interfaces.filter((i) => i.name !== 'lo').map((i) => ({ network: i.name, subnet: `${i.address}/${i.prefix}` })),
    ];
    let clash = false;
    for (const planned of plan.networks) {
      const a = parseCidr(planned.subnet);
      if (!a.ok) continue;
      for (const l of local) {
        const b = parseCidr(l.subnet, { allowHostBits: true });
        if (b.ok && overlaps(a.cidr, b.cidr)) {
          clash = true;
          report(o.handle.alias, 'subnets', 'fail', 'SUBNET_OVERLAPS_LOCAL', {
            network: planned.name,
            subnet: planned.subnet,
            localNetwork: l.network,
            localSubnet: l.subnet,
          });
        }
      }
    }
    if (!clash) report(o.handle.alias, 'subnets', 'pass', 'SUBNETS_OK');
  }
}

export function advertiseOf(plan: SwarmPlan, alias: string, shell: ShellFacts): string {
  return plan.hosts.find((h) => h.host === alias)?.advertiseAddress ?? shell.reachedAt;
}

/** Compares dotted versions numerically ("20.10.24" against "20.10"); non-numbers count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.+-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
