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
 * (no netcat needed). Before the swarm exists nothing listens on 2377/7946, so
 * "connection refused" counts as reachable: the packet got there and back. A
 * firewall that rejects with a TCP reset would look the same; one that drops
 * (the usual) shows as a timeout.
 */
export async function checkPorts(from: PlanHostHandle, probes: PortProbe[]): Promise<PortResult[]> {
  const lines = probes.map((p, i) => `probe ${i} ${p.address} ${p.port} &`);
  const script = [
    'probe() {',
    `  out=$(timeout ${PROBE_TIMEOUT_S} bash -c "exec 3<>/dev/tcp/$2/$3" 2>&1); rc=$?`,
    '  echo "$1 $rc $(printf %s "$out" | tr "\\n" " ")"',
    '}',
    ...lines,
    'wait',
  ].join('\n');
  const result = await from.exec(['bash', '-c', script], { timeoutMs: (PROBE_TIMEOUT_S + 10) * 1000 });
  const byIndex = new Map<number, { rc: number; text: string }>();
  for (const line of result.stdout.split('\n')) {
    const match = /^(\d+) (\d+) ?(.*)$/.exec(line.trim());
    if (match) byIndex.set(Number(match[1]), { rc: Number(match[2]), text: match[3] ?? '' });
  }
  return probes.map((probe, i) => {
    const r = byIndex.get(i);
    if (!r) return { probe, verdict: 'blocked', detail: 'no answer from the probe' };
    if (r.rc === 0) return { probe, verdict: 'open', detail: '' };
    if (/refused/i.test(r.text)) return { probe, verdict: 'refused', detail: r.text };
    return { probe, verdict: 'blocked', detail: r.rc === 124 ? `no answer within ${PROBE_TIMEOUT_S} s` : r.text };
  });
}
