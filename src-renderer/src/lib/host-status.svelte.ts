import type { HostLinkStatus, HostTestResult } from '../../../src-main/contract.js';
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

/** The live state of each host's SSH link, as the core pushes it. */
export const hostLinks = $state<Record<string, HostLinkStatus>>({});

export type ShownStatus = { state: 'unknown' | 'testing' | 'ok' | 'failed' | 'reconnecting'; message?: string };

/** What the status column shows: a test in progress first, then the live link, then the last test. */
export function shownStatus(id: string): ShownStatus {
  const test = hostStatus[id];
  const link = hostLinks[id];
  if (test?.state === 'testing') return { state: 'testing' };
  if (link && link.state !== 'idle' && link.state !== 'closed') {
    if (link.state === 'ready')
      return { state: test?.state === 'failed' ? 'failed' : 'ok', ...(test?.state === 'failed' ? { message: test.message } : {}) };
    if (link.state === 'connecting') return { state: 'testing' };
    const message = link.error ? describeError(link.error) : undefined;
    return { state: link.state === 'failed' ? 'failed' : 'reconnecting', ...(message ? { message } : {}) };
  }
  if (!test) return { state: 'unknown' };
  return test.state === 'failed' ? { state: 'failed', message: test.message } : { state: test.state };
}
