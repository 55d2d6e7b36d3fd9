import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Core } from '../core/create-core.js';
import { contentSecurityPolicy } from '../core/security/content-security-policy.js';
import { AccessPolicy } from './access.js';
import { serveStatic } from './static-files.js';
import { handleSocketMessage, MAX_MESSAGE_BYTES } from './socket-protocol.js';
import { clientSession } from '../core/api/client-session.js';

export const API_PATH = '/api';

export interface WebServerOptions {
  core: Core;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Given by tests; otherwise a fresh random token per run. */
  token?: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The local web mode: the renderer and the contract, on 127.0.0.1 only, behind a per-run token. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  let port = 0;
  const access = new AccessPolicy(token, () => port);
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  const server: Server = createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!access.hostAllowed(req)) return refuse(res, 403, 'Forbidden: this server answers only to 127.0.0.1.');
    const via = access.tokenFrom(req);
    if (via === null) {
      return refuse(res, 401, 'Unauthorized: open the URL that `npm run start:web` printed; it carries the token.');
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (via === 'query') {
      // Trade the token in the address bar for a cookie, so it leaves the history and the Referer.
      res.writeHead(303, { Location: url.pathname, 'Set-Cookie': access.cookieHeader(), 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
    await serveStatic(options.staticDir, url.pathname, res, {
      'Content-Security-Policy': contentSecurityPolicy({ connectSrc: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] }),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    });
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const allowed = url.pathname === API_PATH && access.hostAllowed(req) && access.originAllowed(req) && access.tokenFrom(req) !== null;
    if (!allowed) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const unsubscribe = options.core.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    const session = clientSession(options.core.dispatch);
    ws.on('message', (data, isBinary) => {
      void handleSocketMessage(session.dispatch, data, isBinary).then((reply) => {
        if (ws.readyState === ws.OPEN) ws.send(reply);
      });
    });
    ws.on('close', () => {
      unsubscribe();
      void session.release();
    });
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}
