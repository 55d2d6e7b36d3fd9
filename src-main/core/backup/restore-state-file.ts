/**
 * Docker's own swarm settings of the restored node (`swarm/docker-state.json`) still name the backup
 * node's addresses. One it listens on (`--listen-addr 10.0.0.12:2377`) does not exist on the new
 * host, and the swarm then fails to start ("bind: cannot assign requested address"): the addresses
 * are pointed at the new host, listening on every interface as `swarm init` does by default.
 */
export function retargetDockerState(text: string, address: string): { text: string; changed: string[] } {
  const state = JSON.parse(text) as Record<string, unknown>;
  const port = (value: unknown): string => /:(\d+)$/.exec(typeof value === 'string' ? value : '')?.[1] ?? '2377';
  const wanted: Record<string, string> = {
    ListenAddr: `0.0.0.0:${port(state.ListenAddr)}`,
    AdvertiseAddr: `${address}:${port(state.AdvertiseAddr)}`,
    LocalAddr: address,
    DataPathAddr: '',
  };
  const changed: string[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    if (key in state && state[key] !== value) {
      changed.push(`${key} ${String(state[key]) || '(empty)'} → ${value || '(empty)'}`);
      state[key] = value;
    }
  }
  return { text: JSON.stringify(state), changed };
}
