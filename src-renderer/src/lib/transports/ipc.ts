import type { PreloadBridge, Result } from '../../../../src-main/contract.js';
import type { Transport } from './transport.js';

/** Electron: the preload's bridge. The connection cannot drop, so it is always open. */
export function ipcTransport(bridge: PreloadBridge): Transport {
  const api = bridge.api as unknown as Record<string, Record<string, (input: unknown) => Promise<Result<unknown>>>>;
  return {
    call(method, input) {
      const [namespace, name] = method.split('.');
      const fn = api[namespace ?? '']?.[name ?? ''];
      if (!fn) return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method ${method}` } });
      return fn(input);
    },
    on: (event, callback) => bridge.on(event, callback),
    onConnectionChange(callback) {
      callback('open');
      return () => undefined;
    },
  };
}
