import { pathToFileURL } from 'node:url';

/**
 * What counts as "the app" for navigation and IPC checks: the dev server's
 * origin in development, or exactly our built index.html file in production.
 */
export interface AppUrl {
  /** The URL the window loads. */
  entry: string;
  isApp(url: string): boolean;
}

export function appUrl(options: { devServerUrl: string | undefined; indexHtmlPath: string }): AppUrl {
  if (options.devServerUrl) {
    const origin = new URL(options.devServerUrl).origin;
    return { entry: options.devServerUrl, isApp: (url) => safeUrl(url)?.origin === origin };
  }
  const entry = pathToFileURL(options.indexHtmlPath);
  return {
    entry: entry.href,
    isApp: (url) => {
      const parsed = safeUrl(url);
      // The hash is our router; anything else (another file, a query) is not the app.
      return parsed !== null && parsed.protocol === 'file:' && parsed.pathname === entry.pathname && parsed.search === '';
    },
  };
}

function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
