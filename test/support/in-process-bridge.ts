import { EVENT_NAMES, METHOD_NAMES, type ContractEvents, type EventName, type PreloadBridge } from '../../src-main/contract.js';
import type { Core } from '../../src-main/core/create-core.js';

/**
 * The preload's bridge shape over a real core in the same process: component
 * tests get the real contract behaviour (validation, persistence, events)
 * without Electron or a socket, the way Theia swaps a transport under a service.
 */
export function inProcessBridge(core: Core): PreloadBridge {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const path of METHOD_NAMES) {
    const [namespace, method] = path.split('.') as [string, string];
    // A structured clone on the way in and out, as IPC would do.
    (api[namespace] ??= {})[method] = async (input?: unknown) => structuredClone(await core.dispatch(path, structuredClone(input)));
  }
  return {
    api: api as unknown as PreloadBridge['api'],
    on<E extends EventName>(event: E, callback: (payload: ContractEvents[E]) => void) {
      if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown event ${event}`);
      return core.events.subscribe((name, payload) => {
        if ((name as string) === event) callback(structuredClone(payload) as unknown as ContractEvents[E]);
      });
    },
  };
}
