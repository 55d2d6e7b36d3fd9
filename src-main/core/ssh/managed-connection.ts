import { EventEmitter } from 'node:events';
import type { ContractError } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { SshConnection } from './connect.js';

export type LinkState = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'failed' | 'closed';

export interface LinkStatus {
  state: LinkState;
  /** For `failed` (and the last failure while `reconnecting`): what went wrong, with its code. */
  error?: ContractError;
  /** Delay before the next attempt, while `reconnecting`. */
  retryInMs?: number;
}

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** For tests: a fixed source of jitter. */
  random?: () => number;
}

const DEFAULT_BACKOFF: BackoffOptions = { minMs: 500, maxMs: 30_000 };

/** Failures that another attempt cannot fix: they need the operator. */
const PERMANENT = new Set<string>([
  'HOST_KEY_CHANGED',
  'HOST_KEY_REVOKED',
  'HOST_KEY_REJECTED',
  'SSH_AUTH_FAILED',
  'SSH_NO_AUTH_METHOD',
  'WRONG_PASSPHRASE',
  'PASSPHRASE_REQUIRED',
  'KEY_FILE_UNREADABLE',
  'KEY_FILE_INVALID',
]);

/**
 * One persistent SSH connection to a host: opened on demand, watched by SSH
 * keepalives (ssh2 closes a link whose keepalives go unanswered), and reopened
 * after a drop with exponential backoff and full jitter. Every change of state
 * is emitted as `status`.
 */
export class ManagedConnection extends EventEmitter<{ status: [LinkStatus]; connected: [SshConnection] }> {
  private current: SshConnection | null = null;
  private pending: Promise<SshConnection> | null = null;
  private status: LinkStatus = { state: 'idle' };
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private waiters: { resolve: (c: SshConnection) => void; reject: (e: unknown) => void }[] = [];
  private readonly backoff: BackoffOptions;
  private lastError: unknown = null;

  constructor(
    private readonly open: () => Promise<SshConnection>,
    backoff: Partial<BackoffOptions> = {},
  ) {
    super();
    this.backoff = { ...DEFAULT_BACKOFF, ...backoff };
  }

  get state(): LinkStatus {
    return this.status;
  }

  /** The live connection, connecting (or waiting for the reconnect in progress) if needed. */
  connection(): Promise<SshConnection> {
    if (this.current) return Promise.resolve(this.current);
    if (this.status.state === 'closed') return Promise.reject(new CoreError('SSH_FAILED', 'This connection was closed'));
    // A failure another attempt cannot fix waits for the operator (retryNow), not for a timer.
    if (this.status.state === 'failed' && this.lastError) return Promise.reject(this.lastError);
    if (this.status.state === 'reconnecting') return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.pending ??= this.connect();
    return this.pending;
  }

  /**
   * For an operator's action that should answer now (a preflight, a setup
   * step): the live link, or one attempt at once instead of waiting for the
   * backoff timer. A failure rejects; the background retries go on.
   */
  attemptNow(): Promise<SshConnection> {
    if (this.current) return Promise.resolve(this.current);
    if (this.status.state === 'closed') return Promise.reject(new CoreError('SSH_FAILED', 'This connection was closed'));
    if (this.status.state === 'failed' && this.lastError) return Promise.reject(this.lastError);
    clearTimeout(this.retryTimer);
    this.pending ??= this.connect();
    return this.pending;
  }

  /**
   * A fresh handshake now, dropping the current link if there is one: after the
   * operator fixed a failure (trusted a key, gave a password) or asked to test.
   */
  reconnectNow(): Promise<SshConnection> {
    if (this.pending) return this.pending;
    const previous = this.current;
    this.current = null;
    previous?.close();
    if (this.status.state === 'closed') return Promise.reject(new CoreError('SSH_FAILED', 'This connection was closed'));
    clearTimeout(this.retryTimer);
    this.lastError = null;
    this.pending ??= this.connect();
    return this.pending;
  }

  close(): void {
    clearTimeout(this.retryTimer);
    this.setStatus({ state: 'closed' });
    this.current?.close();
    this.current = null;
    this.settleWaiters(new CoreError('SSH_FAILED', 'This connection was closed'));
  }

  private async connect(): Promise<SshConnection> {
    this.setStatus({ state: this.attempt === 0 ? 'connecting' : 'reconnecting' });
    try {
      const connection = await this.open();
      if (this.status.state === 'closed') {
        connection.close();
        throw new CoreError('SSH_FAILED', 'This connection was closed');
      }
      this.current = connection;
      this.attempt = 0;
      connection.client.once('close', () => this.dropped(connection));
      this.setStatus({ state: 'ready' });
      this.emit('connected', connection);
      this.settleWaiters(null, connection);
      return connection;
    } catch (err) {
      const error: ContractError = err instanceof CoreError ? err.toContractError() : { code: 'SSH_FAILED', message: String(err) };
      if (this.status.state === 'closed') throw err;
      if (PERMANENT.has(error.code)) {
        this.lastError = err;
        this.setStatus({ state: 'failed', error });
        this.settleWaiters(err);
      } else {
        // The network may come back: keep trying, ever more slowly, and let this caller know now.
        this.scheduleRetry(error);
      }
      throw err;
    } finally {
      this.pending = null;
    }
  }

  private dropped(connection: SshConnection): void {
    if (this.current !== connection) return;
    this.current = null;
    connection.close();
    if (this.status.state !== 'closed') this.scheduleRetry();
  }

  private scheduleRetry(error?: ContractError): void {
    this.attempt++;
    // Full jitter: a random delay up to an exponentially growing cap.
    const cap = Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** (this.attempt - 1));
    const delay = Math.round((this.backoff.random ?? Math.random)() * cap);
    this.setStatus({ state: 'reconnecting', retryInMs: delay, ...(error ? { error } : {}) });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.pending ??= this.connect();
      this.pending.catch(() => undefined);
    }, delay);
  }

  private settleWaiters(error: unknown, connection?: SshConnection): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (connection) waiter.resolve(connection);
      else waiter.reject(error);
    }
  }

  private setStatus(status: LinkStatus): void {
    this.status = status;
    this.emit('status', status);
  }
}
