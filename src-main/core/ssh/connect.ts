import { readFile } from 'node:fs/promises';
import ssh2, { type AuthenticationType, type Client, type ConnectConfig } from 'ssh2';
import type { Duplex } from 'node:stream';
import { CoreError } from '../errors.js';
import { describeEndpoint, DEFAULT_AUTH_ORDER, type AuthMethod, type SshEndpoint } from './endpoint.js';
import { hostKeyFrom, type HostKey } from './host-key.js';
import type { HostKeyStore } from './host-key-store.js';
import { sshError } from './ssh-errors.js';

/** Asks the operator about a host key never seen before; true to trust it. */
export type UnknownHostKeyPrompt = (endpoint: SshEndpoint, key: HostKey) => Promise<boolean>;

/** Where passphrases and passwords come from: the vault, or the operator when the vault has none. */
export interface Credentials {
  passphrase(endpoint: SshEndpoint, keyFile: string): Promise<string | null>;
  password(endpoint: SshEndpoint): Promise<string | null>;
}

export interface ConnectOptions {
  hostKeys: HostKeyStore;
  promptUnknownHostKey: UnknownHostKeyPrompt;
  credentials: Credentials;
  /** ssh-agent socket; SSH_AUTH_SOCK by default (Pageant on Windows). */
  agent?: string | undefined;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

export interface SshConnection {
  client: Client;
  endpoint: SshEndpoint;
  hostKey: HostKey;
  /** The method that got us in, for "Test connection". */
  authMethod: AuthenticationType;
  /** False once the link has closed, for whatever reason. */
  isOpen(): boolean;
  /** Closes this connection and every jump hop under it. */
  close(): void;
}

// ssh2 is CommonJS; Node's ESM loader cannot see its named exports in the built app.
const { Client: SshClient, utils } = ssh2;

export const DEFAULTS = { readyTimeoutMs: 15_000, keepaliveIntervalMs: 10_000, keepaliveCountMax: 3 };

/**
 * Opens one SSH connection (through its ProxyJump hops, each with its own
 * host-key check). Every connect in the app goes through here, so every one
 * has a hostVerifier: ssh2 accepts any key without one.
 */
export async function connectSsh(endpoint: SshEndpoint, options: ConnectOptions): Promise<SshConnection> {
  const hops: Omit<SshConnection, 'close' | 'isOpen'>[] = [];
  try {
    let sock: Duplex | undefined;
    for (const hop of endpoint.jump ?? []) {
      const connection = await connectOne(hop, options, sock);
      hops.push(connection);
      sock = await forwardOut(connection.client, nextAfter(endpoint, hop));
    }
    const final = await connectOne(endpoint, options, sock);
    let open = true;
    final.client.once('close', () => (open = false));
    return {
      ...final,
      isOpen: () => open,
      close: () => {
        final.client.end();
        for (const hop of hops.reverse()) hop.client.end();
      },
    };
  } catch (err) {
    for (const hop of hops.reverse()) hop.client.end();
    throw err;
  }
}

/** The endpoint a hop forwards to: the next hop, or the target after the last one. */
function nextAfter(target: SshEndpoint, hop: SshEndpoint): SshEndpoint {
  const jumps = target.jump ?? [];
  const index = jumps.indexOf(hop);
  return jumps[index + 1] ?? target;
}

function forwardOut(client: Client, to: SshEndpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, to.host, to.port, (err, stream) => {
      if (err)
        reject(
          new CoreError('SSH_HOST_UNREACHABLE', `The jump host could not reach ${describeEndpoint(to)}: ${err.message}`, {
            params: { host: describeEndpoint(to) },
          }),
        );
      else resolve(stream);
    });
  });
}

async function connectOne(
  endpoint: SshEndpoint,
  options: ConnectOptions,
  sock: Duplex | undefined,
): Promise<Omit<SshConnection, 'close' | 'isOpen'>> {
  const client = new SshClient();
  // From the start, not only once ready: ssh2 may emit a second 'error' after a failed handshake
  // ("Connection lost before handshake"), and an 'error' nobody listens to ends the process.
  // The handshake's own outcome is read from the `once` listeners below; later drops from 'close'.
  client.on('error', () => undefined);
  let seenKey: HostKey | undefined;
  let failure: CoreError | undefined;
  let authMethod: AuthenticationType = 'none';
  const timer = new HandshakeTimer(options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs, () => {
    failure ??= new CoreError('SSH_TIMEOUT', `${describeEndpoint(endpoint)} did not complete the SSH handshake in time`, {
      params: { host: describeEndpoint(endpoint) },
    });
    client.destroy();
  });
  // Asked only once the host key is checked: no secret is typed for a host not yet verified.
  const attempts = new AuthAttempts(endpoint, options, timer);

  const config: ConnectConfig = {
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.user,
    ...(sock ? { sock } : {}),
    // Our own timer bounds the handshake, paused while the operator answers a question.
    readyTimeout: 2 ** 31 - 1,
    keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULTS.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax ?? DEFAULTS.keepaliveCountMax,
    agentForward: false,
    hostVerifier: (blob: Buffer, verify: (valid: boolean) => void) => {
      void checkHostKey(endpoint, blob, options, timer).then(
        (key) => {
          seenKey = key;
          verify(true);
        },
        (err: unknown) => {
          failure = err instanceof CoreError ? err : sshError(err, endpoint);
          verify(false);
        },
      );
    },
    authHandler: (_methodsLeft, _partial, next) => {
      void attempts.next().then(
        (attempt) => {
          if (attempt) authMethod = attempt.type;
          next((attempt ?? false) as never);
        },
        (err: unknown) => {
          failure = err instanceof CoreError ? err : sshError(err, endpoint);
          next(false as never);
        },
      );
    },
  };

  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (err) => reject(failure ?? attempts.failure() ?? sshError(err, endpoint)));
      client.once('close', () => reject(failure ?? sshError(new Error('connection closed during the handshake'), endpoint)));
      timer.start();
      client.connect(config);
    });
  } finally {
    timer.stop();
  }
  if (!seenKey) throw new CoreError('SSH_FAILED', 'No host key was checked', { params: { host: describeEndpoint(endpoint) } });
  return { client, endpoint, hostKey: seenKey, authMethod };
}

/** A handshake deadline that does not run while the operator is answering a question. */
class HandshakeTimer {
  private handle: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly ms: number,
    private readonly onTimeout: () => void,
  ) {}

  start(): void {
    if (this.stopped) return;
    clearTimeout(this.handle);
    this.handle = setTimeout(this.onTimeout, this.ms);
  }

  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    clearTimeout(this.handle);
    try {
      return await work();
    } finally {
      this.start();
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.handle);
  }
}

async function checkHostKey(endpoint: SshEndpoint, blob: Buffer, options: ConnectOptions, timer: HandshakeTimer): Promise<HostKey> {
  const key = hostKeyFrom(blob);
  const verdict = await options.hostKeys.verify(endpoint.host, endpoint.port, key);
  const params = { host: endpoint.host, port: String(endpoint.port), keyType: key.type, fingerprint: key.fingerprint };
  switch (verdict.status) {
    case 'known':
      return key;
    case 'revoked':
      throw new CoreError('HOST_KEY_REVOKED', `The host key of ${describeEndpoint(endpoint)} is marked @revoked`, { params });
    case 'changed':
      throw new CoreError(
        'HOST_KEY_CHANGED',
        `The host key of ${describeEndpoint(endpoint)} changed: it was ${verdict.knownFingerprints.join(', ')} and is now ${key.fingerprint}`,
        { params: { ...params, knownFingerprints: verdict.knownFingerprints.join(', ') } },
      );
    case 'unknown':
      if (!(await timer.whilePaused(() => options.promptUnknownHostKey(endpoint, key)))) {
        throw new CoreError('HOST_KEY_REJECTED', `The host key of ${describeEndpoint(endpoint)} was not accepted`, { params });
      }
      await options.hostKeys.trust(endpoint.host, endpoint.port, key);
      return key;
  }
}

type Attempt =
  | { type: 'agent'; username: string; agent: string }
  | { type: 'publickey'; username: string; key: Buffer; passphrase?: string }
  | { type: 'password'; username: string; password: string };

/**
 * The methods to offer, in the endpoint's order, each prepared only when the
 * previous one was refused. A key file is read and, if encrypted, its
 * passphrase checked here, so a wrong passphrase is reported as such instead
 * of as a rejected login.
 */
class AuthAttempts {
  private readonly order: AuthMethod[];
  private offered = 0;

  constructor(
    private readonly endpoint: SshEndpoint,
    private readonly options: ConnectOptions,
    private readonly timer: HandshakeTimer,
  ) {
    this.order = [...(endpoint.auth.length > 0 ? endpoint.auth : DEFAULT_AUTH_ORDER)];
  }

  async next(): Promise<Attempt | null> {
    for (let method = this.order.shift(); method; method = this.order.shift()) {
      const attempt = await this.prepare(method);
      if (attempt) {
        this.offered++;
        return attempt;
      }
    }
    return null;
  }

  /** Why logging in failed, once every method was tried. */
  failure(): CoreError | undefined {
    if (this.order.length > 0 || this.offered > 0) return undefined;
    return new CoreError('SSH_NO_AUTH_METHOD', `No way to log in to ${describeEndpoint(this.endpoint)}: no agent, key file or password`, {
      params: { host: describeEndpoint(this.endpoint) },
    });
  }

  private async prepare(method: AuthMethod): Promise<Attempt | null> {
    const username = this.endpoint.user;
    if (method === 'agent') {
      const agent = this.options.agent ?? (process.platform === 'win32' ? 'pageant' : process.env.SSH_AUTH_SOCK);
      return agent ? { type: 'agent', username, agent } : null;
    }
    if (method === 'key') return this.endpoint.identityFile ? this.keyAttempt(this.endpoint.identityFile) : null;
    const password = await this.timer.whilePaused(() => this.options.credentials.password(this.endpoint));
    return password === null ? null : { type: 'password', username, password };
  }

  private async keyAttempt(keyFile: string): Promise<Attempt> {
    let key: Buffer;
    try {
      key = await readFile(keyFile);
    } catch (err) {
      throw new CoreError('KEY_FILE_UNREADABLE', `Cannot read the key file ${keyFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
        params: { path: keyFile },
      });
    }
    const plain = utils.parseKey(key);
    if (!(plain instanceof Error)) return { type: 'publickey', username: this.endpoint.user, key };
    if (!/encrypted|passphrase/i.test(plain.message)) {
      throw new CoreError('KEY_FILE_INVALID', `${keyFile} is not a private key ssh2 can read: ${plain.message}`, {
        params: { path: keyFile },
      });
    }
    const passphrase = await this.timer.whilePaused(() => this.options.credentials.passphrase(this.endpoint, keyFile));
    if (passphrase === null)
      throw new CoreError('PASSPHRASE_REQUIRED', `${keyFile} is encrypted and no passphrase was given`, { params: { path: keyFile } });
    if (utils.parseKey(key, passphrase) instanceof Error) {
      throw new CoreError('WRONG_PASSPHRASE', `The passphrase for ${keyFile} is wrong`, { params: { path: keyFile } });
    }
    return { type: 'publickey', username: this.endpoint.user, key, passphrase };
  }
}
