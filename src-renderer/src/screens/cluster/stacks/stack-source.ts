import type { Contract, StackCheck, StackDeployResult, StackSummary } from '../../../../../src-main/contract.js';

/** What the stacks panel asks of the core, bound to one cluster; a test can give its own. */
export interface StackSource {
  list(): Promise<StackSummary[]>;
  check(name: string, compose: string): Promise<StackCheck>;
  deploy(name: string, compose: string): Promise<StackDeployResult>;
  remove(name: string): Promise<{ removed: string[] }>;
}

export function contractStacks(clusterId: string, api: Contract): StackSource {
  return {
    list: () => api.stacks.list({ clusterId }),
    check: (name, compose) => api.stacks.check({ clusterId, name, compose }),
    deploy: (name, compose) => api.stacks.deploy({ clusterId, name, compose }),
    remove: (name) => api.stacks.remove({ clusterId, name }),
  };
}

/** Same rule as the core's: Docker's stack names are service-name shaped. */
export const STACK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;

/** Names joined for a sentence, or the catalog's word for none. */
export function joinNames(names: readonly string[], none: string): string {
  return names.length === 0 ? none : names.join(', ');
}
