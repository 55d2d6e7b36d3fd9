// Runs sandboxed in the renderer's world-isolated context. Exposes the contract's
// methods and a typed `on`, never ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_NAMES,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  METHOD_NAMES,
  type ContractEvents,
  type EventName,
  type PreloadBridge,
} from '../contract.js';

const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
for (const path of METHOD_NAMES) {
  const [namespace, method] = path.split('.') as [string, string];
  (api[namespace] ??= {})[method] = (input?: unknown) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, path, input);
}

const bridge: PreloadBridge = {
  api: api as unknown as PreloadBridge['api'],
  on<E extends EventName>(event: E, callback: (payload: ContractEvents[E]) => void): () => void {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown event ${String(event)}`);
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) callback(payload as ContractEvents[E]);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('swarmdeck', bridge);
