import type { Dispatch } from './dispatcher.js';

/**
 * What one client (a web-mode socket, a window) holds open in the core: watched clusters,
 * log streams and shells. When the client goes away without letting go (a closed tab, a
 * dropped socket), `release()` lets go for it, so no live model, stream or exec session
 * outlives every client that wanted it.
 */
export interface ClientSession {
  dispatch: Dispatch;
  release(): Promise<void>;
}

export function clientSession(dispatch: Dispatch): ClientSession {
  const watches = new Map<string, number>();
  const streams = new Set<string>();
  const shells = new Set<string>();
  let released = false;

  const field = (input: unknown, name: string): string | null => {
    const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' ? value : null;
  };

  const tracked: Dispatch = async (method, input) => {
    const result = await dispatch(method, input);
    if (!result.ok) return result;
    const value = result.value;
    if (method === 'topology.watch') {
      const id = field(input, 'clusterId');
      if (id) watches.set(id, (watches.get(id) ?? 0) + 1);
    } else if (method === 'topology.unwatch') {
      const id = field(input, 'clusterId');
      const count = id ? (watches.get(id) ?? 0) : 0;
      if (id && count <= 1) watches.delete(id);
      else if (id) watches.set(id, count - 1);
    } else if (method === 'services.logs') {
      const id = field(value, 'streamId');
      if (id) streams.add(id);
    } else if (method === 'services.stopLogs') {
      const id = field(input, 'streamId');
      if (id) streams.delete(id);
    } else if (method === 'exec.open') {
      const id = field(value, 'sessionId');
      if (id) shells.add(id);
    } else if (method === 'exec.close') {
      const id = field(input, 'sessionId');
      if (id) shells.delete(id);
    }
    // Opened after the client left (a reply racing the close): let go at once.
    if (released) void releaseAll();
    return result;
  };

  async function releaseAll(): Promise<void> {
    const calls: Promise<unknown>[] = [];
    for (const [clusterId, count] of watches) for (let i = 0; i < count; i++) calls.push(dispatch('topology.unwatch', { clusterId }));
    for (const streamId of streams) calls.push(dispatch('services.stopLogs', { streamId }));
    for (const sessionId of shells) calls.push(dispatch('exec.close', { sessionId }));
    watches.clear();
    streams.clear();
    shells.clear();
    await Promise.all(calls);
  }

  return {
    dispatch: tracked,
    release: () => {
      released = true;
      return releaseAll();
    },
  };
}
