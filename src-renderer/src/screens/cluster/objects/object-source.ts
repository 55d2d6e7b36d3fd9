import type { Contract, SwarmObjectSummary } from '../../../../../src-main/contract.js';

export type ObjectKind = 'secret' | 'config';

/** What the secrets & configs panel asks of the core; tests hand it a fake. */
export interface ObjectSource {
  list(kind: ObjectKind): Promise<SwarmObjectSummary[]>;
  create(kind: ObjectKind, name: string, value: string, labels: Record<string, string>): Promise<{ id: string }>;
  remove(kind: ObjectKind, id: string): Promise<void>;
}

export function contractObjects(clusterId: string, api: Pick<Contract, 'secrets' | 'configs'>): ObjectSource {
  const of = (kind: ObjectKind) => (kind === 'secret' ? api.secrets : api.configs);
  return {
    list: (kind) => of(kind).list({ clusterId }),
    create: (kind, name, value, labels) => of(kind).create({ clusterId, name, value, labels }),
    remove: (kind, id) => of(kind).remove({ clusterId, id }),
  };
}
