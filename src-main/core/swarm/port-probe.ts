import type { PlanHostHandle } from './plan-hosts.js';

export interface PortProbe {
  /** The plan host being reached (alias), for the report. */
  target: string;
  address: string;
  port: number;
}

export interface PortResult {
  probe: PortProbe;
  /** open: something listens; refused: the host answered (nothing listens yet); blocked: no answer or no route. */
  verdict: 'open' | 'refused' | 'blocked';
  detail: string;
}

const PROBE_TIMEOUT_S = 3;

/**
 * TCP connects from `from` to each target, all at once, with bash's /dev/tcp
 * (no netcat needed), each in a forked subshell rather than a new process (on a
 * busy host, spawning is what costs); a watchdog ends the ones still waiting
 * after the timeout. Before the swarm exists nothing listens on 2377/7946, so
 * "connection refused" counts as reachable: the packet got there and back. A
 * firewall that rejects with a TCP reset would look the same; one that drops
 * (the usual) shows as a timeout.
 */
export async function checkPorts(from: PlanHostHandle, probes: PortProbe[]): Promise<PortResult[]> {
  // No probe keeps the channel's stderr: a connect still hanging after the watchdog would hold the session open.
  const lines = probes.map((p, i) => `probe ${i} ${p.address} ${p.port} </dev/null 2>/dev/null & pids="$pids $!"`);
  const script = [
    'probe() {',
    '  if out=$( { exec 3<>"/dev/tcp/$2/$3"; } 2>&1 ); then echo "$1 0"; else echo "$1 1 ${out//$\'\\n\'/ }"; fi',
    '}',
    'pids=""',
    ...lines,
    `( sleep ${PROBE_TIMEOUT_S}; kill $pids 2>/dev/null ) </dev/null >/dev/null 2>&1 & watchdog=$!`,
    'wait $pids 2>/dev/null',
    'kill $watchdog 2>/dev/null',
    'exit 0',
  ].join('\n');
  const result = await from.exec(['bash', '-c', script], { timeoutMs: (PROBE_TIMEOUT_S + 10) * 1000 });
  const byIndex = new Map<number, { rc: number; text: string }>();
  for (const line of result.stdout.split('\n')) {
    const match = /^(\d+) (\d+) ?(.*)$/.exec(line.trim());
    // bash says "bash: connect: No route to host bash: line 2: /dev/tcp/…: No route to host": keep the reason.
    if (match) byIndex.set(Number(match[1]), { rc: Number(match[2]), text: (match[3] ?? '').split(': ').at(-1)?.trim() ?? '' });
  }
  return probes.map((probe, i) => {
    const r = byIndex.get(i);
    // The watchdog ended it: no answer (a firewall that drops, or no route) within the timeout.
    if (!r) return { probe, verdict: 'blocked', detail: `no answer within ${PROBE_TIMEOUT_S} s` };
    if (r.rc === 0) return { probe, verdict: 'open', detail: '' };
    if (/refused/i.test(r.text)) return { probe, verdict: 'refused', detail: r.text };
    return { probe, verdict: 'blocked', detail: r.text };
  });
}
