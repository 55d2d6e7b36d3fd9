import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type Result } from '../contract.js';
import { clientSession } from '../core/api/client-session.js';
import type { Core } from '../core/create-core.js';
import type { AppUrl } from './app-url.js';

type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/**
 * A message is trusted only when it comes from the main frame of our own
 * window and that frame shows the app (not a page it was tricked into loading).
 */
export function isTrustedSender(event: SenderEvent, window: { webContents: Pick<WebContents, 'id'> } | null, appUrl: AppUrl): boolean {
  const frame = event.senderFrame;
  if (!window || !frame) return false;
  if (event.sender.id !== window.webContents.id) return false;
  if (frame !== event.sender.mainFrame) return false;
  return appUrl.isApp(frame.url);
}

const UNTRUSTED: Result<never> = {
  ok: false,
  error: { code: 'UNAUTHORIZED', message: 'IPC message from an untrusted frame' },
};

/** What the adapter gives back: let go of everything, or only of what the page held (it reloaded or closed). */
export interface IpcAdapter {
  (): void;
  releaseClient(): Promise<void>;
}

/** The Electron transport of the contract: one invoke channel, one event channel. */
export function registerIpcAdapter(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  core: Core,
  getWindow: () => { webContents: Pick<WebContents, 'id' | 'send' | 'isDestroyed'> } | null,
  appUrl: AppUrl,
): IpcAdapter {
  // One page at a time: a reload or a closed window lets go of the watches, streams and shells it held.
  let session = clientSession(core.dispatch);
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event, getWindow(), appUrl)) return UNTRUSTED;
    return session.dispatch(String(method), input);
  });
  const unsubscribe = core.events.subscribe((name, payload) => {
    const contents = getWindow()?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, name, payload);
  });
  const dispose = (): void => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    unsubscribe();
    void session.release();
  };
  return Object.assign(dispose, {
    releaseClient: () => {
      const held = session;
      session = clientSession(core.dispatch);
      return held.release();
    },
  });
}
