/**
 * The renderer's Content-Security-Policy, the same for the Electron window and
 * the web mode: only our own scripts and styles, no eval, no inline script, no
 * plugins, no framing, and network access only back to where the page came from.
 * The production build writes it into index.html as a <meta> tag (the only way
 * for a file:// page in Electron); the web mode also sends it as a header.
 */
export function contentSecurityPolicy(options: { connectSrc?: string[]; meta?: boolean } = {}): string {
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
  // Browsers ignore frame-ancestors in a <meta> policy (and warn about it); only a header can carry it.
  if (options.meta) delete directives['frame-ancestors'];
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
