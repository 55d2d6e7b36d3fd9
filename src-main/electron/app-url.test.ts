import { describe, expect, it } from 'vitest';
import { appUrl } from './app-url.js';

describe('appUrl', () => {
  it('in development, accepts the dev server origin only', () => {
    const url = appUrl({ devServerUrl: 'http://localhost:5173/', indexHtmlPath: '/x/index.html' });
    expect(url.entry).toBe('http://localhost:5173/');
    expect(url.isApp('http://localhost:5173/#/hosts')).toBe(true);
    expect(url.isApp('http://localhost:5174/')).toBe(false);
    expect(url.isApp('not a url')).toBe(false);
  });

  it('in production, accepts exactly the built index.html', () => {
    const url = appUrl({ devServerUrl: undefined, indexHtmlPath: '/opt/app/out/renderer/index.html' });
    expect(url.entry).toBe('file:///opt/app/out/renderer/index.html');
    expect(url.isApp('file:///opt/app/out/renderer/index.html#/clusters')).toBe(true);
    expect(url.isApp('file:///opt/app/out/renderer/other.html')).toBe(false);
  });
});
