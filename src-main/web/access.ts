import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'swarmdeck_token';

/**
 * The checks that keep the web mode to the person who started it: the per-run
 * token (query or cookie), a loopback Host header (against DNS rebinding), and,
 * for WebSocket upgrades, an Origin that is this very server.
 */
export class AccessPolicy {
  private readonly tokenBytes: Buffer;

  constructor(
    private readonly token: string,
    private readonly port: () => number,
  ) {
    this.tokenBytes = Buffer.from(token);
  }

  hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host;
    if (!host) return false;
    const port = this.port();
    return [`127.0.0.1:${port}`, `localhost:${port}`].includes(host.toLowerCase());
  }

  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    // Non-browser clients (tests, scripts) send no Origin; a browser always does on upgrade.
    if (origin === undefined) return true;
    const port = this.port();
    return [`http://127.0.0.1:${port}`, `http://localhost:${port}`].includes(origin.toLowerCase());
  }

  /** The token from `?token=` or from the cookie set on first visit, if either is right. */
  tokenFrom(req: IncomingMessage): 'query' | 'cookie' | null {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (this.matches(url.searchParams.get('token'))) return 'query';
    if (this.matches(readCookie(req.headers.cookie, TOKEN_COOKIE))) return 'cookie';
    return null;
  }

  cookieHeader(): string {
    return `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private matches(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === this.tokenBytes.length && timingSafeEqual(bytes, this.tokenBytes);
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
