import { describe, expect, it } from 'vitest';
import type { Result } from '../../contract.js';
import { clientSession } from './client-session.js';

// The bookkeeping alone: what a client holds, and what release() gives back. The dispatch
// underneath is a recorder standing in for the core's routes (watching a real cluster needs a
// swarm; the web server's own tests cover the socket, and the lab suites the routes).
function recorder(fail: Set<string> = new Set()) {
  const calls: [string, unknown][] = [];
  const dispatch = (method: string, input: unknown): Promise<Result<unknown>> => {
    calls.push([method, input]);
    if (fail.has(method)) return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: 'no' } });
    if (method === 'services.logs') return Promise.resolve({ ok: true, value: { streamId: `s${calls.length}` } });
    if (method === 'exec.open') return Promise.resolve({ ok: true, value: { sessionId: `x${calls.length}`, host: 'h', container: 'c' } });
    return Promise.resolve({ ok: true, value: undefined });
  };
  return { calls, dispatch };
}

describe('a client session', () => {
  it('lets go of what the client still holds when it goes away, and only that', async () => {
    const { calls, dispatch } = recorder();
    const session = clientSession(dispatch);
    await session.dispatch('topology.watch', { clusterId: 'a' });
    await session.dispatch('topology.watch', { clusterId: 'a' });
    await session.dispatch('topology.watch', { clusterId: 'b' });
    await session.dispatch('topology.unwatch', { clusterId: 'b' });
    const stream = await session.dispatch('services.logs', { clusterId: 'a', serviceId: 'x', follow: true, tail: 1 });
    await session.dispatch('services.logs', { clusterId: 'a', serviceId: 'y', follow: true, tail: 1 });
    await session.dispatch('services.stopLogs', { streamId: (stream as { value: { streamId: string } }).value.streamId });
    await session.dispatch('exec.open', { clusterId: 'a', taskId: 't', cols: 80, rows: 24 });
    calls.length = 0;
    await session.release();
    expect(calls).toEqual([
      ['topology.unwatch', { clusterId: 'a' }],
      ['topology.unwatch', { clusterId: 'a' }],
      ['services.stopLogs', { streamId: 's6' }],
      ['exec.close', { sessionId: 'x8' }],
    ]);
    calls.length = 0;
    await session.release();
    expect(calls).toEqual([]);
  });

  it('counts nothing for a call the core refused', async () => {
    const { calls, dispatch } = recorder(new Set(['topology.watch']));
    const session = clientSession(dispatch);
    await session.dispatch('topology.watch', { clusterId: 'a' });
    calls.length = 0;
    await session.release();
    expect(calls).toEqual([]);
  });

  it('lets go at once of what is opened after the client went away', async () => {
    const { calls, dispatch } = recorder();
    const session = clientSession(dispatch);
    await session.release();
    await session.dispatch('topology.watch', { clusterId: 'late' });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toContainEqual(['topology.unwatch', { clusterId: 'late' }]);
  });
});
