import { isIPv6 } from 'node:net';
import type { HostRecord, PlanFinding, PlanFindingCode, PlanValidation, SwarmPlan } from '../../contract.js';
import { validateExtras } from './plan-extras.js';
import { contains, formatCidr, overlaps, parseCidr, parseIpv4, type Cidr } from './cidr.js';

// Judges what a well-shaped plan means (the zod schema has already checked its shape).
// Findings carry a code and string params only: the renderer words them in the operator's
// language, so every value the sentence needs goes into params.

/** Docker's admin guide: N managers tolerate floor((N-1)/2) failures. */
export function faultTolerance(managers: number): number {
  return managers < 1 ? 0 : Math.floor((managers - 1) / 2);
}

/** Subnets Docker itself uses on every node; an overlay there collides with local traffic. */
const BRIDGES: { bridge: string; subnet: Cidr }[] = [
  { bridge: 'docker0', subnet: { network: 0xac110000, prefix: 16 } }, // 172.17.0.0/16
  { bridge: 'docker_gwbridge', subnet: { network: 0xac120000, prefix: 16 } }, // 172.18.0.0/16
];
/** `swarm init` makes the ingress network from the default pool: 10.0.0.0/24 when the pool is Docker's own. */
const INGRESS: Cidr = { network: 0x0a000000, prefix: 24 };

// Docker's own rule for object names, capped at 63 so the name also works as a DNS label.
const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const RESERVED_NETWORK_NAMES = new Set(['ingress', 'docker_gwbridge', 'bridge', 'host', 'none']);
/** Docker refuses a default-address-pool mask longer than /29 (fewer than 8 addresses per network). */
const MAX_POOL_SUBNET_SIZE = 29;

export function validatePlan(plan: SwarmPlan, hosts: HostRecord[], options: { acknowledgeEvenManagers: boolean }): PlanValidation {
  const findings: PlanFinding[] = [];
  const add = (severity: PlanFinding['severity'], code: PlanFindingCode, path: string, params: Record<string, string> = {}) => {
    findings.push({ severity, code, path, params });
  };
  const byAlias = new Map(hosts.map((record) => [record.alias, record]));

  if (plan.name.trim() === '') add('error', 'NAME_EMPTY', 'name');

  // ---- hosts ----
  if (plan.hosts.length === 0) add('error', 'NO_HOSTS', 'hosts');
  const seenAliases = new Set<string>();
  const seenMachines = new Map<string, string>();
  plan.hosts.forEach((planHost, i) => {
    const record = byAlias.get(planHost.host);
    if (seenAliases.has(planHost.host)) {
      add('error', 'HOST_TWICE', `hosts.${i}.host`, { host: planHost.host });
    } else if (!record) {
      add('error', 'HOST_UNKNOWN', `hosts.${i}.host`, { host: planHost.host });
    } else {
      // Host names are case-insensitive; two aliases for one machine would make it join twice.
      const machine = `${record.address.toLowerCase()}:${record.port}`;
      const other = seenMachines.get(machine);
      if (other !== undefined) {
        add('error', 'ADDRESS_TWICE', `hosts.${i}.host`, {
          host: planHost.host,
          other,
          address: record.address,
          port: String(record.port),
        });
      } else {
        seenMachines.set(machine, planHost.host);
      }
    }
    seenAliases.add(planHost.host);
    const advertise = planHost.advertiseAddress;
    if (advertise !== null) {
      const reason = advertiseProblem(advertise);
      if (reason) add('error', 'ADVERTISE_INVALID', `hosts.${i}.advertiseAddress`, { host: planHost.host, address: advertise, reason });
    }
  });

  // ---- managers ----
  const managers = plan.hosts.filter((h) => h.role === 'manager').length;
  const tolerates = faultTolerance(managers);
  const managerParams = { count: String(managers), tolerates: String(tolerates) };
  // With no host at all NO_HOSTS says it already.
  if (plan.hosts.length > 0 && managers === 0) add('error', 'NO_MANAGER', 'hosts');
  if (managers > 0 && managers % 2 === 0) {
    const params = { ...managerParams, nextOdd: String(managers + 1), previousOdd: String(managers - 1) };
    // An acknowledged even count is still shown: the operator should keep seeing that it buys nothing.
    if (options.acknowledgeEvenManagers) add('warning', 'MANAGERS_EVEN', 'hosts', params);
    else findings.push({ severity: 'error', code: 'MANAGERS_EVEN', path: 'hosts', params, acknowledgeable: true });
  }
  if (managers === 1) add('warning', 'MANAGER_SINGLE', 'hosts', managerParams);
  if (managers > 7) add('warning', 'MANAGERS_OVER_SEVEN', 'hosts', managerParams);
  if (plan.hosts.length > 5 && !plan.dedicatedManagers) {
    add('warning', 'DEDICATED_RECOMMENDED', 'dedicatedManagers', { nodes: String(plan.hosts.length) });
  }

  // ---- address pool ----
  const pool: Cidr[] = [];
  if (plan.addressPool) {
    plan.addressPool.subnets.forEach((subnet, i) => {
      const parsed = parseCidr(subnet);
      if (parsed.ok) pool.push(parsed.cidr);
      else add('error', 'POOL_CIDR_INVALID', `addressPool.subnets.${i}`, { subnet, reason: parsed.reason });
    });
    // Docker checks the size against every pool subnet: it must fit in the smallest one.
    const min = Math.max(1, ...pool.map((c) => c.prefix));
    const size = plan.addressPool.subnetSize;
    if (!Number.isInteger(size) || size < min || size > MAX_POOL_SUBNET_SIZE) {
      add('error', 'POOL_SUBNET_SIZE_INVALID', 'addressPool.subnetSize', {
        size: String(size),
        min: String(min),
        max: String(MAX_POOL_SUBNET_SIZE),
      });
    }
  }

  // ---- networks ----
  const hostAddresses = addressesOf(plan, byAlias);
  const seenNames = new Set<string>();
  const planned: { name: string; subnet: Cidr }[] = [];
  plan.networks.forEach((network, i) => {
    const at = `networks.${i}`;
    const name = network.name;
    if (!NETWORK_NAME.test(name) || name.length > 63) add('error', 'NETWORK_NAME_INVALID', `${at}.name`, { name });
    else if (RESERVED_NETWORK_NAMES.has(name.toLowerCase())) add('error', 'NETWORK_NAME_RESERVED', `${at}.name`, { name });
    // Docker would tell `Backend` from `backend`; an operator reading `docker network ls` hardly would.
    else if (seenNames.has(name.toLowerCase())) add('error', 'NETWORK_NAME_TWICE', `${at}.name`, { name });
    seenNames.add(name.toLowerCase());

    const subnetText = network.subnet;
    const parsed = parseCidr(subnetText);
    if (!parsed.ok) {
      add('error', 'SUBNET_INVALID', `${at}.subnet`, { network: name, subnet: subnetText, reason: parsed.reason });
    } else {
      const subnet = parsed.cidr;
      const params = { network: name, subnet: subnetText };
      if (subnet.prefix !== 24) add('warning', 'SUBNET_NOT_24', `${at}.subnet`, { ...params, prefix: String(subnet.prefix) });
      for (const { host, address, value } of hostAddresses) {
        if (contains(subnet, value)) add('error', 'SUBNET_OVERLAPS_HOST', `${at}.subnet`, { ...params, host, address });
      }
      for (const { bridge, subnet: bridgeSubnet } of BRIDGES) {
        if (overlaps(subnet, bridgeSubnet)) {
          add('error', 'SUBNET_OVERLAPS_GWBRIDGE', `${at}.subnet`, { ...params, bridge, other: formatCidr(bridgeSubnet) });
        }
      }
      if (!plan.addressPool && overlaps(subnet, INGRESS)) {
        add('error', 'SUBNET_OVERLAPS_INGRESS', `${at}.subnet`, { ...params, other: formatCidr(INGRESS) });
      }
      for (const poolSubnet of pool) {
        if (overlaps(subnet, poolSubnet))
          add('error', 'SUBNET_OVERLAPS_POOL', `${at}.subnet`, { ...params, other: formatCidr(poolSubnet) });
      }
      for (const earlier of planned) {
        if (overlaps(subnet, earlier.subnet)) {
          add('error', 'SUBNET_OVERLAPS_NETWORK', `${at}.subnet`, {
            ...params,
            otherNetwork: earlier.name,
            other: formatCidr(earlier.subnet),
          });
        }
      }
      planned.push({ name, subnet });
    }
    if (network.encrypted) add('info', 'ENCRYPTED_NEEDS_ESP', `${at}.encrypted`, { network: name });
  });

  validateExtras(plan, hosts, add);

  return { findings, managers, tolerates, runnable: !findings.some((f) => f.severity === 'error') };
}

/** Why Docker would refuse this as --advertise-addr, or null when it is a usable address. */
function advertiseProblem(address: string): 'syntax' | 'unspecified' | null {
  const v4 = parseIpv4(address);
  if (v4 === null && !isIPv6(address)) return 'syntax';
  // Docker refuses 0.0.0.0 / :: ("must be a non-zero IP address"): other nodes cannot dial it.
  if (v4 === 0 || (v4 === null && /^[0:]+$/.test(address))) return 'unspecified';
  return null;
}

/**
 * The IPv4 addresses the plan's hosts are known by: the saved address when it is a literal
 * (a host name cannot be judged without resolving it; preflight reads the real interfaces)
 * and the advertise address.
 */
function addressesOf(plan: SwarmPlan, byAlias: Map<string, HostRecord>): { host: string; address: string; value: number }[] {
  const found: { host: string; address: string; value: number }[] = [];
  const seen = new Set<string>();
  for (const planHost of plan.hosts) {
    for (const address of [byAlias.get(planHost.host)?.address, planHost.advertiseAddress]) {
      const value = address == null ? null : parseIpv4(address);
      const key = `${planHost.host} ${address}`;
      if (address == null || value === null || seen.has(key)) continue;
      seen.add(key);
      found.push({ host: planHost.host, address, value });
    }
  }
  return found;
}
