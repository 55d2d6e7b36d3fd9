import type { App, Session, WebContents } from 'electron';
import type { AppUrl } from './app-url.js';
import { isAllowedExternalUrl } from './external-links.js';

export interface SecurityDeps {
  app: Pick<App, 'on'>;
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  openExternal: (url: string) => Promise<void>;
  appUrl: AppUrl;
}

/**
 * Electron's security checklist, applied once for every web contents the app
 * ever creates: no navigation away from the app, no new windows (https links on
 * the allowlist go to the OS browser), no webviews, no permissions. The CSP is in
 * the built index.html (see electron.vite.config.ts): file:// pages get no headers.
 */
export function applySecurityRestrictions(deps: SecurityDeps): void {
  deps.app.on('web-contents-created', (_event, contents) => restrictContents(contents, deps));

  deps.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  deps.session.setPermissionCheckHandler(() => false);
}

export function restrictContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  deps: Pick<SecurityDeps, 'appUrl' | 'openExternal'>,
): void {
  contents.on('will-navigate', (event, url) => {
    if (!deps.appUrl.isApp(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!deps.appUrl.isApp(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void deps.openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
}
