import { describe, expect, it, vi } from 'vitest';

// `window.ts` imports BrowserWindow; no Electron binary runs here, so the module is a fake.
vi.mock('electron', () => ({ BrowserWindow: class {}, nativeTheme: { shouldUseDarkColors: false } }));
const { secureWebPreferences, preloadPathFrom } = await import('./window.js');

describe('window webPreferences', () => {
  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    const prefs = secureWebPreferences('/app/out/preload/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('loads the CommonJS preload that electron-vite builds', () => {
    expect(preloadPathFrom('/app/out/main')).toBe('/app/out/preload/preload.cjs');
  });
});
