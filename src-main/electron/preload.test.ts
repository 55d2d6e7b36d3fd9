import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, METHOD_NAMES, type EventName, type PreloadBridge } from '../contract.js';

// The preload only talks to contextBridge and ipcRenderer; without an Electron binary they are fakes that record.
const exposed: Record<string, unknown> = {};
const listeners = new Map<string, (...args: unknown[]) => void>();
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'answer' }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
  ipcRenderer: {
    invoke,
    on: (channel: string, fn: (...args: unknown[]) => void) => listeners.set(channel, fn),
    removeListener: (channel: string) => listeners.delete(channel),
  },
}));
await import('./preload.js');
const bridge = exposed.swarmdeck as PreloadBridge;

describe('preload bridge', () => {
  it('exposes exactly the contract methods and `on`, never ipcRenderer', () => {
    expect(Object.keys(exposed)).toEqual(['swarmdeck']);
    expect(Object.keys(bridge).sort()).toEqual(['api', 'on']);
    const exposedMethods = Object.entries(bridge.api).flatMap(([ns, methods]) => Object.keys(methods).map((m) => `${ns}.${m}`));
    expect(exposedMethods.sort()).toEqual([...METHOD_NAMES].sort());
    expect(JSON.stringify(Object.keys(bridge))).not.toContain('ipcRenderer');
  });

  it('sends each method over the one invoke channel', async () => {
    await expect(bridge.api.clusters.create({ name: 'x' })).resolves.toEqual({ ok: true, value: 'answer' });
    expect(invoke).toHaveBeenCalledWith(IPC_INVOKE_CHANNEL, 'clusters.create', { name: 'x' });
  });

  it('delivers only the subscribed event and unsubscribes', () => {
    const got: unknown[] = [];
    const off = bridge.on('clusters:changed', (payload) => got.push(payload));
    const listener = listeners.get(IPC_EVENT_CHANNEL)!;
    listener({}, 'settings:changed', { settings: {} });
    listener({}, 'clusters:changed', { clusters: [] });
    expect(got).toEqual([{ clusters: [] }]);
    off();
    expect(listeners.has(IPC_EVENT_CHANNEL)).toBe(false);
  });

  it('refuses an unknown event name', () => {
    expect(() => bridge.on('nope' as EventName, () => undefined)).toThrow(/Unknown event/);
  });
});
