import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { memoryLogger, testCore } from '../../test/support/core.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import { startWebServer, type WebServer } from './server.js';

let dir: string;
let cleanup: () => Promise<void>;
let server: WebServer;

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  const staticDir = join(dir, 'renderer');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Swarmdeck</title>');
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer');
  const logger = memoryLogger();
  server = await startWebServer({ core: await testCore(join(dir, 'data'), logger), staticDir });
});
afterEach(async () => {
  await server.close();
  await cleanup();
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function openSocket(options: { token?: string | null; origin?: string; host?: string; cookie?: string } = {}): Promise<WebSocket> {
  const token = options.token === undefined ? server.token : options.token;
  const url = `ws://127.0.0.1:${server.port}/api${token ? `?token=${token}` : ''}`;
  const headers: Record<string, string> = {};
  if (options.host) headers.host = options.host;
  if (options.cookie) headers.cookie = options.cookie;
  const ws = new WebSocket(url, { headers, ...(options.origin ? { origin: options.origin } : {}) });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function rpc(
  ws: WebSocket,
  message: unknown,
): Promise<{ id: number | null; result: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const parsed = JSON.parse(data.toString());
      if ('event' in parsed) return;
      ws.off('message', onMessage);
      resolve(parsed);
    };
    ws.on('message', onMessage);
    ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  });
}

describe('web mode server', () => {
  it('listens on 127.0.0.1 only and prints a URL that carries the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses pages without the token', async () => {
    const res = await get('/');
    expect(res.status).toBe(401);
    expect(res.body).not.toContain('Swarmdeck</title>');
    expect((await get('/?token=wrong')).status).toBe(401);
  });

  it('trades the token for an HttpOnly cookie, then serves the renderer with a strict CSP', async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(303);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Swarmdeck</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe');
  });

  it('refuses a Host header that is not loopback (DNS rebinding)', async () => {
    const res = await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` });
    expect(res.status).toBe(403);
    await expect(openSocket({ host: `evil.example:${server.port}` })).rejects.toThrow(/401/);
  });

  it('does not serve files outside the renderer folder', async () => {
    const cookie = String((await get(`/?token=${server.token}`)).headers['set-cookie']).split(';')[0]!;
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const res = await get(path, { cookie });
      expect(res.body).not.toContain('outside the renderer');
    }
  });

  it('refuses WebSocket connections without the token or from a foreign origin', async () => {
    await expect(openSocket({ token: null })).rejects.toThrow(/401/);
    await expect(openSocket({ token: 'a'.repeat(48) })).rejects.toThrow(/401/);
    await expect(openSocket({ origin: 'https://evil.example' })).rejects.toThrow(/401/);
    const ws = await openSocket({ origin: `http://127.0.0.1:${server.port}` });
    ws.close();
  });

  it('answers contract calls, keeps error codes, and pushes events', async () => {
    const ws = await openSocket();
    const events: unknown[] = [];
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString());
      if ('event' in message) events.push(message);
    });
    const created = await rpc(ws, { id: 1, method: 'clusters.create', input: { name: 'prod', hosts: ['ops@10.0.0.11'] } });
    expect(created).toMatchObject({ id: 1, result: { ok: true, value: { name: 'prod' } } });
    expect(await rpc(ws, { id: 2, method: 'clusters.create', input: { name: 'prod' } })).toMatchObject({
      id: 2,
      result: { ok: false, error: { code: 'CONFLICT' } },
    });
    expect(await rpc(ws, { id: 3, method: 'clusters.create', input: { name: 42 } })).toMatchObject({
      id: 3,
      result: { ok: false, error: { code: 'INVALID_ARGUMENT' } },
    });
    await expect
      .poll(() => events)
      .toEqual([{ event: 'clusters:changed', payload: { clusters: [expect.objectContaining({ name: 'prod' })] } }]);
    ws.close();
  });

  it('answers malformed messages with a typed error instead of dropping them', async () => {
    const ws = await openSocket();
    expect(await rpc(ws, 'not json')).toMatchObject({ id: null, result: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    expect(await rpc(ws, { method: 'app.info' })).toMatchObject({ id: null, result: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    expect(await rpc(ws, { id: 9, method: 'no.such' })).toMatchObject({ id: 9, result: { ok: false, error: { code: 'UNKNOWN_METHOD' } } });
    ws.close();
  });
});
