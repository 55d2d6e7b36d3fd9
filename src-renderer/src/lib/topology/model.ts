import type {
  SwarmHealth,
  TopologyDiff,
  TopologyNetwork,
  TopologyNode,
  TopologyService,
  TopologySnapshot,
  TopologyTask,
} from '../../../../src-main/contract.js';
import { ChunkedMap } from './chunked-map.js';

/** The live model of one swarm as the renderer holds it: each entity by ID. Never mutated; a diff makes a new one. */
export interface TopologyModel {
  readonly clusterId: string;
  readonly swarmId: string;
  readonly version: number;
  readonly nodes: ReadonlyMap<string, TopologyNode>;
  readonly services: ReadonlyMap<string, TopologyService>;
  readonly tasks: ReadonlyMap<string, TopologyTask>;
  readonly networks: ReadonlyMap<string, TopologyNetwork>;
  readonly health: SwarmHealth;
}

export const ENTITIES = ['nodes', 'services', 'tasks', 'networks'] as const;
export type Entity = (typeof ENTITIES)[number];

function byId<T extends { id: string }>(list: readonly T[]): ChunkedMap<T> {
  return ChunkedMap.from(list.map((item) => [item.id, item] as const));
}

/** The maps are ChunkedMaps when made here; a model built elsewhere with plain Maps works too. */
function changed<T>(map: ReadonlyMap<string, T>, ops: Map<string, T | null>): ReadonlyMap<string, T> {
  const set: [string, T][] = [];
  const remove: string[] = [];
  for (const [id, value] of ops) {
    if (value === null) remove.push(id);
    else set.push([id, value]);
  }
  if (map instanceof ChunkedMap) return (map as ChunkedMap<T>).with(set, remove);
  const copy = new Map(map);
  for (const id of remove) copy.delete(id);
  for (const [id, value] of set) copy.set(id, value);
  return copy;
}

export function fromSnapshot(snapshot: TopologySnapshot): TopologyModel {
  return {
    clusterId: snapshot.clusterId,
    swarmId: snapshot.swarmId,
    version: snapshot.version,
    nodes: byId(snapshot.nodes),
    services: byId(snapshot.services),
    tasks: byId(snapshot.tasks),
    networks: byId(snapshot.networks),
    health: snapshot.health,
  };
}

/**
 * Applies diffs in order (within one diff, removals first). A diff for another cluster, or one the model already holds
 * (version not above it: it was sent before the snapshot was taken), is skipped.
 * A diff that does not follow the version held means some were missed: `'resync'`,
 * and the caller asks for a snapshot again. Each entity map is copied at most once per call,
 * and only in the shards the diffs touch.
 */
export function applyDiffs(model: TopologyModel, diffs: readonly TopologyDiff[]): TopologyModel | 'resync' {
  let version = model.version;
  let health = model.health;
  const ops: Partial<Record<Entity, Map<string, { id: string } | null>>> = {};

  for (const diff of diffs) {
    if (diff.clusterId !== model.clusterId || diff.version <= version) continue;
    if (diff.version !== version + 1) return 'resync';
    version = diff.version;
    for (const entity of ENTITIES) {
      const change = diff[entity];
      if (!change || (change.upsert.length === 0 && change.remove.length === 0)) continue;
      const pending = (ops[entity] ??= new Map());
      for (const id of change.remove) pending.set(id, null);
      for (const item of change.upsert) pending.set(item.id, item);
    }
    if (diff.health) health = diff.health;
  }
  if (version === model.version) return model;
  const next = <E extends Entity>(entity: E): TopologyModel[E] =>
    (ops[entity] ? changed(model[entity] as ReadonlyMap<string, { id: string }>, ops[entity]) : model[entity]) as TopologyModel[E];
  return {
    ...model,
    version,
    health,
    nodes: next('nodes'),
    services: next('services'),
    tasks: next('tasks'),
    networks: next('networks'),
  };
}

export function applyDiff(model: TopologyModel, diff: TopologyDiff): TopologyModel | 'resync' {
  return applyDiffs(model, [diff]);
}
