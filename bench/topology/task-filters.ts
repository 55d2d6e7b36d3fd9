// `GET /tasks?filters=…` as Docker's daemon applies the filters
// (daemon/cluster/tasks.go and filters.go, API 1.4x), so the fake daemons of
// the benchmark and of the unit tests answer a filtered read as a manager does:
// - keys other than Docker's are refused (400); values of one key are or'ed, keys and'ed;
// - `desired-state` takes any task state, in any case (Docker upper-cases it into swarmkit's enum);
// - `service` and `node` each name one that must exist: by full ID, then name
//   (hostname), then unique ID prefix; one that does not is a 404 for the whole list;
// - `id` and `name` are prefixes.
// `label` (and the internal `runtime`, `_up-to-date`) are not modelled: asked for, they are a 501, never ignored.
import type { ApiNode, ApiService, ApiTask } from '../../src-main/core/topology/convert.js';

const TASK_STATES = new Set([
  'new',
  'allocated',
  'pending',
  'assigned',
  'accepted',
  'preparing',
  'ready',
  'starting',
  'running',
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
]);
const ACCEPTED = new Set(['name', 'id', 'label', 'service', 'node', 'desired-state', '_up-to-date', 'runtime']);
const MODELLED = new Set(['id', 'service', 'node', 'desired-state']);

export type TaskSelection = { ok: true; keep: (task: ApiTask) => boolean } | { ok: false; status: number; message: string };

/** Which tasks `GET /tasks` answers with for this `filters` query parameter (null: all of them). */
export function selectTasks(filtersParam: string | null, services: readonly ApiService[], nodes: readonly ApiNode[]): TaskSelection {
  let filters: Record<string, string[]>;
  try {
    filters = parseFilters(filtersParam);
  } catch {
    return { ok: false, status: 400, message: `invalid filter: ${filtersParam}` };
  }
  for (const key of Object.keys(filters)) {
    if (!ACCEPTED.has(key)) return { ok: false, status: 400, message: `invalid filter '${key}'` };
    if (!MODELLED.has(key)) return { ok: false, status: 501, message: `the fake Docker API does not model the '${key}' filter` };
  }
  const serviceIds = new Set<string>();
  for (const value of filters.service ?? []) {
    const found = lookUp('service', services, value, (s) => s.Spec?.Name);
    if ('status' in found) return found;
    serviceIds.add(found.ID);
  }
  const nodeIds = new Set<string>();
  for (const value of filters.node ?? []) {
    const found = lookUp('node', nodes, value, (n) => n.Description?.Hostname);
    if ('status' in found) return found;
    nodeIds.add(found.ID);
  }
  const desired = new Set<string>();
  for (const value of filters['desired-state'] ?? []) {
    if (TASK_STATES.has(value.toLowerCase())) desired.add(value.toLowerCase());
    else if (value !== '') return { ok: false, status: 400, message: `Invalid desired-state filter: '${value}'` };
  }
  const ids = filters.id ?? [];
  return {
    ok: true,
    keep: (t) =>
      (ids.length === 0 || ids.some((prefix) => t.ID.startsWith(prefix))) &&
      (serviceIds.size === 0 || serviceIds.has(t.ServiceID ?? '')) &&
      (nodeIds.size === 0 || nodeIds.has(t.NodeID ?? '')) &&
      (desired.size === 0 || desired.has(t.DesiredState ?? '')),
  };
}

/** Docker's filters JSON: `{"key":["value"]}`, or the older `{"key":{"value":true}}`. */
function parseFilters(param: string | null): Record<string, string[]> {
  if (!param) return {};
  const json = JSON.parse(param) as Record<string, string[] | Record<string, boolean>>;
  return Object.fromEntries(
    Object.entries(json).map(([key, values]) => [key, Array.isArray(values) ? values : Object.keys(values).filter((v) => values[v])]),
  );
}

/** A service or node by full ID, then by name, then by unique ID prefix; or Docker's refusal. */
function lookUp<T extends { ID: string }>(
  kind: string,
  list: readonly T[],
  value: string,
  name: (x: T) => string | undefined,
): T | { ok: false; status: number; message: string } {
  const exact = list.find((x) => x.ID === value) ?? list.find((x) => name(x) === value);
  if (exact) return exact;
  const prefixed = list.filter((x) => x.ID.startsWith(value));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) return { ok: false, status: 400, message: `${kind} ${value} is ambiguous (${prefixed.length} matches found)` };
  return { ok: false, status: 404, message: `${kind} ${value} not found` };
}
