import type { Contract, RegistryConfig, RegistryPlan, RegistryStatus } from '../../../../../src-main/contract.js';

/** What the registry tab asks of the core for one cluster; tests hand it a fake. */
export interface RegistrySource {
  status(): Promise<RegistryStatus>;
  /** The steps a deploy would run now, or why it is refused; changes nothing. */
  plan(config: RegistryConfig): Promise<RegistryPlan>;
  /** The password (basic auth, TLS only) travels once, in this call. */
  deploy(config: RegistryConfig, password?: string): Promise<RegistryStatus>;
}

export function contractRegistry(clusterId: string, api: Pick<Contract, 'registry'>): RegistrySource {
  return {
    status: () => api.registry.status({ clusterId }),
    plan: (config) => api.registry.plan({ clusterId, config }),
    deploy: (config, password) => api.registry.deploy({ clusterId, config, ...(password === undefined ? {} : { password }) }),
  };
}
