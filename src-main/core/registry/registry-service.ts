import type { RegistryConfig, RegistryPlan, RegistryStatus } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { ProductionDeps } from '../production-deps.js';

// SKELETON (lead): the helper building the registry replaces this file.
export class PrivateRegistry {
  constructor(private readonly deps: ProductionDeps) {}
  async load(): Promise<void> {}
  status(clusterId: string): Promise<RegistryStatus> {
    return this.todo(clusterId);
  }
  plan(clusterId: string, config: RegistryConfig): Promise<RegistryPlan> {
    return this.todo(clusterId, config);
  }
  deploy(clusterId: string, config: RegistryConfig, password?: string): Promise<RegistryStatus> {
    return this.todo(clusterId, config, password);
  }
  private todo(...args: unknown[]): Promise<never> {
    void args;
    void this.deps;
    return Promise.reject(new CoreError('INTERNAL', 'the registry is not built yet'));
  }
}
