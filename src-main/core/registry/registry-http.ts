import { request } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkServerIdentity, connect } from 'node:tls';
import type { Client } from 'ssh2';
import { withTimeout } from '../util/with-timeout.js';

const REQUEST_TIMEOUT_MS = 20_000;
const MAX_REPOSITORIES = 1000;

/** How to reach the registry from its own node: its endpoint, the CA (TLS mode) and the login, if any. */
export interface RegistryTarget {
  address: string;
  port: number;
  caPem: string | null;
  auth: { username: string; password: string } | null;
}

export interface RegistryAnswer {
  status: number;
  body: string;
}

function forwardOut(client: Client, address: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, address, port, (err, channel) => {
      if (err) return reject(err);
      // http calls net.Socket methods a channel does not have (plain HTTP only; a TLS socket has them).
      const stream = channel as unknown as Duplex & { setTimeout?: () => void; setNoDelay?: () => void; setKeepAlive?: () => void };
      stream.setTimeout ??= () => undefined;
      stream.setNoDelay ??= () => undefined;
      stream.setKeepAlive ??= () => undefined;
      resolve(stream);
    });
  });
}

/**
 * One GET on the registry's HTTP API, sent from the registry's node: the SSH server there opens
 * the TCP connection (the workstation may not reach the node's address), and TLS runs end to end
 * from here, checked against the app's CA and the endpoint's name, as a Docker client would.
 */
export async function registryGet(client: Client, target: RegistryTarget, path: string): Promise<RegistryAnswer> {
  const bare = target.address.replace(/^\[|\]$/g, '');
  // A link that died unnoticed may never answer the channel request.
  const channel = await withTimeout(forwardOut(client, bare, target.port), REQUEST_TIMEOUT_MS);
  const socket: Duplex = target.caPem
    ? connect({
        socket: channel,
        ca: target.caPem,
        ...(isIP(bare) ? {} : { servername: bare }),
        checkServerIdentity: (_host, cert) => checkServerIdentity(bare, cert),
      })
    : channel;
  const headers: Record<string, string> = { Host: `${isIP(bare) === 6 ? `[${bare}]` : bare}:${target.port}`, Connection: 'close' };
  if (target.auth) {
    headers.Authorization = `Basic ${Buffer.from(`${target.auth.username}:${target.auth.password}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = request({ createConnection: () => socket as never, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // A timer of our own: the channel has no socket timeout to arm.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
    req.on('close', () => clearTimeout(timer));
    req.on('error', (err) => {
      clearTimeout(timer);
      channel.destroy();
      reject(err);
    });
    req.end();
  });
}

/** Repositories and their tags, as the registry lists them. */
export async function readCatalog(client: Client, target: RegistryTarget): Promise<{ repository: string; tags: string[] }[]> {
  const json = async (path: string): Promise<unknown> => {
    const answer = await registryGet(client, target, path);
    if (answer.status === 401) throw new Error('the registry refused the stored login (401)');
    if (answer.status !== 200) throw new Error(`the registry answered ${answer.status} to ${path}`);
    return JSON.parse(answer.body) as unknown;
  };
  const catalog = (await json(`/v2/_catalog?n=${MAX_REPOSITORIES}`)) as { repositories?: string[] | null };
  const repositories = catalog.repositories ?? [];
  const out: { repository: string; tags: string[] }[] = [];
  for (const repository of repositories) {
    const listed = (await json(`/v2/${repository.split('/').map(encodeURIComponent).join('/')}/tags/list`)) as { tags?: string[] | null };
    out.push({ repository, tags: [...(listed.tags ?? [])].sort() });
  }
  return out;
}
