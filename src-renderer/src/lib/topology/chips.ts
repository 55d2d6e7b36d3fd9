import type { TopologyService, TopologyTask } from '../../../../src-main/contract.js';

/** How many task chips a node card shows before "+N more". */
export const CHIP_CAP = 60;
/** A failed task stays on the map this long after it failed, so a crash loop is seen. */
export const RECENT_FAILURE_MS = 15 * 60_000;

const FAILED = new Set(['failed', 'rejected', 'orphaned']);
const STOPPED = new Set(['shutdown', 'complete', 'remove']);
const WAITING = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);

export type ChipLook = 'running' | 'waiting' | 'failed' | 'stopped';

/** Running solid, on its way outlined, failed with a red border, shut down faded. */
export function chipLook(state: string): ChipLook {
  if (state === 'running') return 'running';
  if (FAILED.has(state)) return 'failed';
  if (STOPPED.has(state)) return 'stopped';
  return WAITING.has(state) ? 'waiting' : 'stopped';
}

/** A stable colour per service: the hue comes from a hash (FNV-1a) of its ID, so it survives reloads and renames. */
export function serviceHue(serviceId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < serviceId.length; i++) {
    hash ^= serviceId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 360;
}

export function serviceColour(serviceId: string): string {
  return `hsl(${serviceHue(serviceId)} 62% 48%)`;
}

/** Tasks meant to run, plus recent failures; everything with `showStopped`. */
export function isShown(task: TopologyTask, showStopped: boolean, now: number): boolean {
  if (showStopped) return true;
  if (task.desiredState === 'running' || task.desiredState === 'ready') return true;
  if (!FAILED.has(task.state)) return false;
  const at = Date.parse(task.updatedAt);
  return Number.isFinite(at) && now - at <= RECENT_FAILURE_MS;
}

/** `web.2` as Docker names a replicated task; a global service's task by the service name alone. */
export function taskName(task: TopologyTask, service: TopologyService | undefined): string {
  const name = service?.name ?? task.serviceId.slice(0, 12);
  return task.slot !== null && service?.mode !== 'global' ? `${name}.${task.slot}` : name;
}

/** The chips of one node card: shown tasks by service name then slot, at most `cap`, and how many more there are. */
export function chipsFor(
  tasks: readonly TopologyTask[],
  services: ReadonlyMap<string, TopologyService>,
  options: { showStopped: boolean; now: number; cap?: number },
): { chips: TopologyTask[]; more: number } {
  const cap = options.cap ?? CHIP_CAP;
  const shown = tasks.filter((t) => isShown(t, options.showStopped, options.now));
  shown.sort((a, b) => {
    const na = services.get(a.serviceId)?.name ?? a.serviceId;
    const nb = services.get(b.serviceId)?.name ?? b.serviceId;
    return na < nb ? -1 : na > nb ? 1 : (a.slot ?? 0) - (b.slot ?? 0) || (a.updatedAt < b.updatedAt ? 1 : -1);
  });
  return { chips: shown.slice(0, cap), more: Math.max(0, shown.length - cap) };
}
