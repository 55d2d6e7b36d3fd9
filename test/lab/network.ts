// The lab's networks: Docker bridge networks on the outer daemon (own bridge names), and
// the few iptables rules in the workstation's namespace that the outer daemon does not set
// (it runs with --iptables=false): traffic stays inside each lab bridge, nothing from the lab
// is forwarded anywhere else, and the private network behind a bastion is closed to the
// workstation itself.
import { writeFileSync } from 'node:fs';
import { LabError, run } from './exec.js';
import { docker, dockerMust } from './outer-docker.js';
import { IPTABLES_CHAIN, LABEL, netPlan } from './paths.js';
import type { NetPlan } from './paths.js';

const IPT_TIMEOUT_MS = 20_000;

export function networkNames(slot: number): { main: string; private: string } {
  return { main: `sdlab${slot}-main`, private: `sdlab${slot}-private` };
}

async function iptables(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const r = await run('iptables', ['-w', '10', ...args], { timeoutMs: IPT_TIMEOUT_MS });
  return { code: r.code, stderr: r.stderr };
}

async function iptablesMust(args: string[]): Promise<void> {
  const r = await iptables(args);
  if (r.code !== 0) throw new LabError(`iptables ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** One chain per hook, so a rule can never apply to a direction it was not written for. */
const CHAINS = { FORWARD: `${IPTABLES_CHAIN}-FWD`, INPUT: `${IPTABLES_CHAIN}-IN`, OUTPUT: `${IPTABLES_CHAIN}-OUT` } as const;
type Hook = keyof typeof CHAINS;

/** The chains exist and their hooks jump to them first. Caller holds the lab lock. */
async function ensureChains(): Promise<void> {
  for (const [hook, chain] of Object.entries(CHAINS)) {
    if ((await iptables(['-n', '-L', chain])).code !== 0) await iptablesMust(['-N', chain]);
    if ((await iptables(['-C', hook, '-j', chain])).code !== 0) await iptablesMust(['-I', hook, '1', '-j', chain]);
  }
}

function labRules(plan: NetPlan, withPrivate: boolean, tag: string): [Hook, string[]][] {
  const c = ['-m', 'comment', '--comment', tag];
  const rules: [Hook, string[]][] = [];
  const bridges = withPrivate ? [plan.main.bridge, plan.private.bridge] : [plan.main.bridge];
  for (const br of bridges) {
    // Bridged frames pass FORWARD when br_netfilter is loaded; accept them before any
    // other Docker's DROP policy can, and route nothing into or out of the lab.
    rules.push(['FORWARD', ['-i', br, '-o', br, ...c, '-j', 'ACCEPT']]);
    rules.push(['FORWARD', ['-i', br, ...c, '-j', 'DROP']]);
    rules.push(['FORWARD', ['-o', br, ...c, '-j', 'DROP']]);
  }
  if (withPrivate) {
    // The workstation has no way into the private network, and hears nothing from it.
    // Matched on the way out of the bridge: the ICMP answer itself goes to a local address
    // (over lo) and must not be rejected in turn, or connect() waits for its timeout.
    rules.push(['OUTPUT', ['-o', plan.private.bridge, ...c, '-j', 'REJECT', '--reject-with', 'icmp-net-unreachable']]);
    rules.push(['INPUT', ['-i', plan.private.bridge, ...c, '-j', 'DROP']]);
  }
  return rules;
}

function ruleTag(slot: number): string {
  return `swarmdeck-lab slot ${slot}`;
}

export async function addIptablesRules(slot: number, withPrivate: boolean): Promise<void> {
  await ensureChains();
  for (const [hook, rule] of labRules(netPlan(slot), withPrivate, ruleTag(slot))) {
    const chain = CHAINS[hook];
    if ((await iptables(['-C', chain, ...rule])).code !== 0) await iptablesMust(['-A', chain, ...rule]);
  }
}

/** Removes this slot's rules, whatever they were (matched by their comment). */
export async function removeIptablesRules(slot: number): Promise<void> {
  const tag = ruleTag(slot);
  for (const chain of Object.values(CHAINS)) {
    const listing = await run('iptables', ['-w', '10', '-S', chain], { timeoutMs: IPT_TIMEOUT_MS });
    if (listing.code !== 0) continue;
    for (const line of listing.stdout.split('\n')) {
      if (!line.startsWith(`-A ${chain} `) || !line.includes(`"${tag}"`)) continue;
      // iptables -S prints a rule in the syntax -D takes; only the quoting differs.
      await iptablesMust(['-D', ...splitRule(line.slice(3))]);
    }
  }
}

/** Removes the chains and their jumps, once no lab uses them. Caller holds the lab lock. */
export async function removeChains(): Promise<void> {
  for (const [hook, chain] of Object.entries(CHAINS)) {
    while ((await iptables(['-C', hook, '-j', chain])).code === 0) await iptablesMust(['-D', hook, '-j', chain]);
    if ((await iptables(['-n', '-L', chain])).code === 0) {
      await iptablesMust(['-F', chain]);
      await iptablesMust(['-X', chain]);
    }
  }
}

function splitRule(s: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

export async function createNetworks(slot: number, labId: string, withPrivate: boolean): Promise<void> {
  const plan = netPlan(slot);
  const names = networkNames(slot);
  const nets: [string, NetPlan['main'], string[]][] = [[names.main, plan.main, []]];
  // internal: hosts there get no default route, as on a private LAN with no way out.
  if (withPrivate) nets.push([names.private, plan.private, ['--internal']]);
  for (const [name, net, extra] of nets) {
    await dockerMust([
      'network',
      'create',
      '--driver',
      'bridge',
      ...extra,
      '--subnet',
      net.subnet,
      '--gateway',
      net.gateway,
      '-o',
      `com.docker.network.bridge.name=${net.bridge}`,
      '--label',
      `${LABEL}=${labId}`,
      name,
    ]);
  }
  if (withPrivate) {
    // IPv6 link-local would be a way round the IPv4 rules above.
    try {
      writeFileSync(`/proc/sys/net/ipv6/conf/${plan.private.bridge}/disable_ipv6`, '1');
    } catch {
      /* bridge created lazily or IPv6 off: nothing to close */
    }
  }
  await addIptablesRules(slot, withPrivate);
}

export async function removeNetworks(slot: number): Promise<void> {
  const names = networkNames(slot);
  for (const n of [names.main, names.private]) await docker(['network', 'rm', n], { timeoutMs: 30_000 });
  await removeIptablesRules(slot);
}
