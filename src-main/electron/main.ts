// Electron entry: builds the core, hardens the session, opens the window. No UI logic here.
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/create-core.js';
import { createStreamLogger } from '../core/logger.js';
import { appUrl as resolveAppUrl } from './app-url.js';
import { registerIpcAdapter } from './ipc-adapter.js';
import { applySecurityRestrictions } from './security-restrictions.js';
import { createMainWindow, preloadPathFrom } from './window.js';

const here = dirname(fileURLToPath(import.meta.url));
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const appUrl = resolveAppUrl({ devServerUrl, indexHtmlPath: join(here, '..', 'renderer', 'index.html') });

// The same override as the web mode, so tests and portable setups can point the app at a folder.
if (process.env.SWARMDECK_DATA_DIR) app.setPath('userData', process.env.SWARMDECK_DATA_DIR);

let mainWindow: BrowserWindow | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  const logStream = createWriteStream(join(app.getPath('userData'), 'swarmdeck.log'), { flags: 'a', mode: 0o600 });
  const logger = createStreamLogger((line) => logStream.write(line));
  const core = await createCore({
    dataDir: app.getPath('userData'),
    version: app.getVersion(),
    mode: 'electron',
    systemLocale: app.getLocale(),
    logger,
  });

  applySecurityRestrictions({
    app,
    session: session.defaultSession,
    openExternal: (url) => shell.openExternal(url),
    appUrl,
  });
  const ipc = registerIpcAdapter(ipcMain, core, () => mainWindow, appUrl);

  const open = (): void => {
    mainWindow = createMainWindow(preloadPathFrom(here), join(app.getAppPath(), 'resources', 'icon.png'));
    mainWindow.webContents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) void ipc.releaseClient();
    });
    mainWindow.on('closed', () => {
      mainWindow = null;
      void ipc.releaseClient();
    });
    void mainWindow.loadURL(appUrl.entry);
  };
  open();

  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// A second launch focuses the first window instead of opening a second core on the same data file.
if (app.requestSingleInstanceLock()) {
  start().catch((err: unknown) => {
    process.stderr.write(`Swarmdeck could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    app.exit(1);
  });
} else {
  app.quit();
}
