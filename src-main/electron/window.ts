import { BrowserWindow, nativeTheme } from 'electron';
import { join } from 'node:path';

/** The one application window, with the webPreferences Electron's security checklist asks for. */
export function createMainWindow(preloadPath: string, iconPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Swarmdeck',
    // Linux shows this in the task bar; macOS and Windows take the packaged app's icon.
    ...(process.platform === 'linux' ? { icon: iconPath } : {}),
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#f7f8fa',
    webPreferences: secureWebPreferences(preloadPath),
  });
  // Show once painted: no white flash, no layout jank on start.
  window.once('ready-to-show', () => window.show());
  return window;
}

export function secureWebPreferences(preloadPath: string): Electron.WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  };
}

export function preloadPathFrom(mainDir: string): string {
  return join(mainDir, '..', 'preload', 'preload.cjs');
}
