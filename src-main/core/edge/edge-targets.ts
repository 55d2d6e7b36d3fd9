import type { EdgeFormat, EdgeLabelFilter, EdgeTarget, TopologyNode } from '../../contract.js';

/** What a target list is cut from: the port the proxy sends to and which nodes qualify. */
export interface TargetSelection {
  port: number;
  label: EdgeLabelFilter | null;
}

/**
 * The nodes that should receive traffic now: Ready and Active (a drained or paused node is being
 * emptied or held by the operator; a down one would only time out), with the label when one is
 * asked for. Sorted by hostname, then ID, so the same swarm always renders the same text and
 * a rewrite happens only on a real change.
 */
export function selectTargets(nodes: readonly TopologyNode[], selection: TargetSelection): EdgeTarget[] {
  return nodes
    .filter((n) => n.state === 'ready' && n.availability === 'active')
    .filter((n) => usableAddress(n.address))
    .filter((n) => matchesLabel(n, selection.label))
    .map((n) => ({ nodeId: n.id, hostname: n.hostname, address: n.address, port: selection.port }))
    .sort((a, b) => compare(a.hostname, b.hostname) || compare(a.nodeId, b.nodeId));
}

function matchesLabel(node: TopologyNode, label: EdgeLabelFilter | null): boolean {
  if (!label) return true;
  if (!Object.hasOwn(node.labels, label.key)) return false;
  return label.value === null || node.labels[label.key] === label.value;
}

// Docker reports 0.0.0.0 for a node whose address it has not learnt yet (seen on managers
// after a restart); a proxy pointed there would reach itself.
function usableAddress(address: string): boolean {
  return address !== '' && address !== '0.0.0.0' && address !== '::';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `addr:port`, with an IPv6 address in brackets as every proxy expects. */
export function hostPort(target: EdgeTarget): string {
  return target.address.includes(':') ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
}

/**
 * The target list in the proxy's own syntax. `name` is the nginx upstream / HAProxy backend name;
 * it and the hostnames are checked to be plain words before they reach a config file.
 */
export function renderTargets(targets: readonly EdgeTarget[], format: EdgeFormat, name: string): string {
  switch (format) {
    case 'plain':
      return targets.map((t) => `${hostPort(t)}\n`).join('');
    case 'nginx':
      return renderNginx(targets, name);
    case 'haproxy':
      return renderHaproxy(targets, name);
    case 'json':
      return `${JSON.stringify({ name, targets: targets.map((t) => ({ hostname: t.hostname, address: t.address, port: t.port })) }, null, 2)}\n`;
  }
}

const HEADER = 'Written by Swarmdeck from the swarm nodes; changes here are overwritten.';

function renderNginx(targets: readonly EdgeTarget[], name: string): string {
  const lines = [`# ${HEADER}`, `upstream ${name} {`];
  for (const t of targets) lines.push(`    server ${hostPort(t)};`);
  // nginx refuses an upstream without a server: keep the file loadable, every request then fails fast with 502.
  if (targets.length === 0) lines.push('    server 127.0.0.1:1 down;');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function renderHaproxy(targets: readonly EdgeTarget[], name: string): string {
  const lines = [`# ${HEADER}`, `backend ${name}`];
  const used = new Map<string, number>();
  for (const t of targets) {
    // HAProxy refuses two servers of one name in a backend; two nodes may share a hostname.
    const base = serverName(t.hostname);
    const seen = used.get(base) ?? 0;
    used.set(base, seen + 1);
    lines.push(`    server ${seen === 0 ? base : `${base}-${seen + 1}`} ${hostPort(t)} check`);
  }
  return `${lines.join('\n')}\n`;
}

/** A hostname as an HAProxy server name: anything outside its word characters becomes `_`. */
function serverName(hostname: string): string {
  const cleaned = hostname.replace(/[^A-Za-z0-9_.:-]/g, '_');
  return cleaned === '' ? 'node' : cleaned;
}
