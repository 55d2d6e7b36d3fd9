import type { ContractEvents, EventName, Result } from '../../../../src-main/contract.js';
import type { ConnectionState, Transport } from './transport.js';

interface Pending {
  resolve(result: Result<unknown>): void;
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

/**
 * Web mode: one WebSocket to the local server, reopened with backoff when it
 * drops. A call in flight when it drops gets TRANSPORT_CLOSED: its outcome is
 * unknown, so the caller re-reads instead of assuming.
 */
export function websocketTransport(url: string): Transport {
  const pending = new Map<number, Pending>();
  const eventListeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let nextId = 1;
  let delay = RECONNECT_MIN_MS;
  let everOpened = false;
  let waiters: (() => void)[] = [];

  function setState(next: ConnectionState): void {
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  function connect(): void {
    setState('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      everOpened = true;
      delay = RECONNECT_MIN_MS;
      setState('open');
      for (const wake of waiters) wake();
      waiters = [];
    };
    ws.onmessage = (message) => receive(String(message.data));
    ws.onclose = () => {
      socket = null;
      for (const [, call] of pending) call.resolve(closed());
      pending.clear();
      // A socket that never opened was refused at the upgrade: the token is wrong or missing.
      if (!everOpened) {
        setState('unauthorized');
        for (const wake of waiters) wake();
        waiters = [];
        return;
      }
      setState('closed');
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    };
  }

  function receive(text: string): void {
    let message: { id?: number | null; result?: Result<unknown>; event?: EventName; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.event) {
      for (const listener of eventListeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    if (typeof message.id === 'number' && message.result) {
      pending.get(message.id)?.resolve(message.result);
      pending.delete(message.id);
    }
  }

  async function whenOpen(): Promise<boolean> {
    if (state === 'open') return true;
    if (state === 'unauthorized') return false;
    await new Promise<void>((resolve) => waiters.push(resolve));
    return (state as ConnectionState) === 'open';
  }

  connect();

  return {
    async call(method, input) {
      if (!(await whenOpen()) || !socket) return closed();
      const id = nextId++;
      const ws = socket;
      return new Promise((resolve) => {
        pending.set(id, { resolve });
        ws.send(JSON.stringify({ id, method, input }));
      });
    },
    on<E extends EventName>(event: E, callback: (payload: ContractEvents[E]) => void) {
      const listeners = eventListeners.get(event) ?? new Set();
      eventListeners.set(event, listeners);
      const listener = callback as (payload: unknown) => void;
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnectionChange(callback) {
      stateListeners.add(callback);
      callback(state);
      return () => stateListeners.delete(callback);
    },
  };
}

function closed(): Result<never> {
  return { ok: false, error: { code: 'TRANSPORT_CLOSED', message: 'Connection to the core closed' } };
}
