/**
 * The renderer's Content-Security-Policy, the same for the Electron window and
 * the web mode: only our own scripts and styles, no eval, no inline script,
 * no plugins, no framing, and network access only back to where the page came
 * from (plus the web mode's WebSocket).
 */
export function contentSecurityPolicy(options: { connectSrc?: string[] } = {}): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...(options.connectSrc ?? [])],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
