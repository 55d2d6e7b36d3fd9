import type { HostInput } from '../../src-main/contract.js';
import type { LabHost } from './types.js';

/** A lab host as the app saves it in Hosts: key login with the lab's own key, no jump. */
export function hostInput(host: Pick<LabHost, 'name' | 'address' | 'port' | 'user' | 'keyPath'>): HostInput {
  return {
    alias: host.name,
    address: host.address,
    port: host.port,
    user: host.user,
    auth: ['key'],
    identityFile: host.keyPath,
    jump: [],
    tags: [],
  };
}
