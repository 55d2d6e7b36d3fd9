import type { HostTestResult } from '../../../src-main/contract.js';
import { api } from './api.js';
import { describeError } from './describe-error.js';

export type HostStatus =
  { state: 'unknown' } | { state: 'testing' } | { state: 'ok'; result: HostTestResult } | { state: 'failed'; message: string };

/** The last "Test connection" outcome per host id, for this session of the renderer. */
export const hostStatus = $state<Record<string, HostStatus>>({});

export async function testHost(id: string): Promise<void> {
  hostStatus[id] = { state: 'testing' };
  try {
    const result = await api.hosts.test({ id });
    hostStatus[id] = result.dockerError ? { state: 'failed', message: describeError(result.dockerError) } : { state: 'ok', result };
  } catch (err) {
    hostStatus[id] = { state: 'failed', message: describeError(err) };
  }
}
