// Electron is replaced by small fakes here because no Electron binary can run on
// these machines; the fakes record what the code registers, and the tests drive
// those handlers the way Electron would.
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { appUrl } from './app-url.js';
import { applySecurityRestrictions, restrictContents } from './security-restrictions.js';

const url = appUrl({ devServerUrl: undefined, indexHtmlPath: '/opt/Swarmdeck/resources/app/out/renderer/index.html' });
const APP = 'file:///opt/Swarmdeck/resources/app/out/renderer/index.html';

function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  return {
    on: (event: string, listener: (...args: unknown[]) => void) => emitter.on(event, listener),
    setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
    navigate(event: string, target: string) {
      const e = {
        defaultPrevented: false,
        preventDefault() {
          this.defaultPrevented = true;
        },
      };
      emitter.emit(event, e, target);
      return e.defaultPrevented;
    },
    open: (target: string) => openHandler?.({ url: target }),
  };
}

describe('navigation and new windows', () => {
  const openExternal = vi.fn(async () => undefined);
  const contents = fakeContents();
  restrictContents(contents as never, { appUrl: url, openExternal });

  it('allows moving within the app (the router uses the hash)', () => {
    expect(contents.navigate('will-navigate', `${APP}#/settings`)).toBe(false);
  });

  it.each(['https://evil.example/', 'file:///etc/passwd', `${APP}?x=1`, 'file:///opt/Swarmdeck/other.html', 'javascript:alert(1)'])(
    'blocks navigation and redirects to %s',
    (target) => {
      expect(contents.navigate('will-navigate', target)).toBe(true);
      expect(contents.navigate('will-redirect', target)).toBe(true);
    },
  );

  it('blocks webviews', () => {
    expect(contents.navigate('will-attach-webview', '')).toBe(true);
  });

  it('denies every new window, sending only allowlisted https links to the OS browser', () => {
    expect(contents.open('https://docs.docker.com/engine/swarm/admin_guide/')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://docs.docker.com/engine/swarm/admin_guide/');
    openExternal.mockClear();
    for (const target of ['http://docs.docker.com/', 'https://evil.example/', 'file:///etc/passwd', 'https://user:pw@github.com/']) {
      expect(contents.open(target)).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });
});

describe('session', () => {
  function setup() {
    const app = new EventEmitter();
    let requestHandler: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | undefined;
    let checkHandler: (() => boolean) | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof requestHandler) => (requestHandler = h),
      setPermissionCheckHandler: (h: typeof checkHandler) => (checkHandler = h),
    };
    applySecurityRestrictions({
      app: app as never,
      session: session as never,
      openExternal: async () => undefined,
      appUrl: url,
    });
    return { app, requestHandler: () => requestHandler, checkHandler: () => checkHandler };
  }

  it('denies every permission request and check', () => {
    const { requestHandler, checkHandler } = setup();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      requestHandler()?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(checkHandler()?.()).toBe(false);
  });

  it('restricts every web contents the app creates', () => {
    const { app } = setup();
    const contents = fakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
  });
});
