// The only module that knows whether the renderer talks to the core over
// Electron IPC or the web mode's WebSocket. Everything else imports `api`.
import type { Contract, ContractError, ContractEvents, EventName, PreloadBridge } from '../../../src-main/contract.js';
import { ipcTransport } from './transports/ipc.js';
import type { ConnectionState, Transport } from './transports/transport.js';
import { websocketTransport } from './transports/websocket.js';

export type { ConnectionState };

/** A contract error as thrown to renderer code: it keeps the core's code, params and issues. */
export class ApiError extends Error {
  readonly code: ContractError['code'];
  readonly params: Record<string, string>;
  readonly issues: NonNullable<ContractError['issues']>;

  constructor(error: ContractError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.params = error.params ?? {};
    this.issues = error.issues ?? [];
  }
}

declare global {
  interface Window {
    swarmdeck?: PreloadBridge;
  }
}

function chooseTransport(): Transport {
  if (window.swarmdeck) return ipcTransport(window.swarmdeck);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return websocketTransport(`${scheme}://${location.host}/api`);
}

/** Turns a transport into the typed contract: `api.clusters.create({...})` resolves or throws ApiError. */
export function createApi(transport: Transport): Contract {
  return new Proxy({} as Contract, {
    get: (_target, namespace) =>
      new Proxy(
        {},
        {
          get: (_inner, method) => async (input?: unknown) => {
            const result = await transport.call(`${String(namespace)}.${String(method)}`, input);
            if (!result.ok) throw new ApiError(result.error);
            return result.value;
          },
        },
      ),
  });
}

let transport: Transport | null = null;
function current(): Transport {
  transport ??= chooseTransport();
  return transport;
}

export const api: Contract = createApi({
  call: (method, input) => current().call(method, input),
  on: (event, callback) => current().on(event, callback),
  onConnectionChange: (callback) => current().onConnectionChange(callback),
});

export function onEvent<E extends EventName>(event: E, callback: (payload: ContractEvents[E]) => void): () => void {
  return current().on(event, callback);
}

export function onConnectionChange(callback: (state: ConnectionState) => void): () => void {
  return current().onConnectionChange(callback);
}
