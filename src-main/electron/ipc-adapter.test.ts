// Electron's ipcMain and WebContents are fakes (no Electron binary here); the
// core behind them is the real one, on a temp folder.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../contract.js';
import { testCore } from '../../test/support/core.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { appUrl } from './app-url.js';
import { isTrustedSender, registerIpcAdapter } from './ipc-adapter.js';

const url = appUrl({ devServerUrl: undefined, indexHtmlPath: '/app/out/renderer/index.html' });
const APP = 'file:///app/out/renderer/index.html';

function sender(id: number, frameUrl = APP) {
  const mainFrame = { url: frameUrl };
  return { sender: { id, mainFrame }, senderFrame: mainFrame };
}

describe('isTrustedSender', () => {
  const window = { webContents: { id: 1 } };

  it('trusts the main frame of our window showing the app', () => {
    expect(isTrustedSender(sender(1) as never, window, url)).toBe(true);
    expect(isTrustedSender(sender(1, `${APP}#/settings`) as never, window, url)).toBe(true);
  });

  it('refuses another window, a subframe, a foreign page, a missing frame or no window', () => {
    expect(isTrustedSender(sender(2) as never, window, url)).toBe(false);
    const sub = sender(1);
    expect(isTrustedSender({ sender: sub.sender, senderFrame: { url: APP } } as never, window, url)).toBe(false);
    expect(isTrustedSender(sender(1, 'https://evil.example/') as never, window, url)).toBe(false);
    expect(isTrustedSender({ sender: sub.sender, senderFrame: null } as never, window, url)).toBe(false);
    expect(isTrustedSender(sender(1) as never, null, url)).toBe(false);
  });
});

describe('IPC adapter', () => {
  let cleanup: () => Promise<void>;
  let handler: (event: unknown, method: unknown, input: unknown) => Promise<unknown>;
  const sent: unknown[][] = [];

  beforeEach(async () => {
    const temp = await makeTempDir();
    cleanup = temp.cleanup;
    const core = await testCore(temp.dir);
    const ipcMain = {
      handle: (channel: string, fn: typeof handler) => {
        expect(channel).toBe(IPC_INVOKE_CHANNEL);
        handler = fn;
      },
      removeHandler: () => undefined,
    };
    const window = { webContents: { id: 1, isDestroyed: () => false, send: (...args: unknown[]) => sent.push(args) } };
    registerIpcAdapter(ipcMain as never, core, () => window, url);
  });
  afterEach(() => cleanup());

  it('dispatches calls from the trusted frame and forwards core events', async () => {
    const result = await handler(sender(1), 'clusters.create', { name: 'prod' });
    expect(result).toMatchObject({ ok: true, value: { name: 'prod' } });
    expect(sent.at(-1)).toEqual([IPC_EVENT_CHANNEL, 'clusters:changed', { clusters: [expect.objectContaining({ name: 'prod' })] }]);
  });

  it('answers UNAUTHORIZED to any other sender without touching the core', async () => {
    expect(await handler(sender(7), 'clusters.create', { name: 'x' })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await handler(sender(1), 'clusters.list', undefined)).toEqual({ ok: true, value: [] });
  });

  it('keeps error codes as data (Electron would forward only a message)', async () => {
    expect(await handler(sender(1), 'clusters.remove', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
