import type { Contract, ContractError, ContractEvents, ExecSession } from '../../../../src-main/contract.js';
import { api, onEvent } from '../api.js';

/** Resizes are sent at most this often while a window is dragged: each one is a round trip to the node's Docker. */
export const RESIZE_DEBOUNCE_MS = 120;

/** `exec:output` carries raw TTY bytes as base64; a chunk may end mid-character, so they stay bytes for xterm to join. */
export function decodeBase64(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export type ExecState = 'opening' | 'open' | 'ended' | 'failed';

export interface ExecDeps {
  exec: Pick<Contract['exec'], 'open' | 'input' | 'resize' | 'close'>;
  on: <E extends 'exec:output' | 'exec:ended'>(event: E, callback: (payload: ContractEvents[E]) => void) => () => void;
}

export interface ExecCallbacks {
  /** Bytes for the terminal, in order. */
  output: (bytes: Uint8Array) => void;
  /** `error` is the open failure (an ApiError) or the core's reason the session ended. */
  state: (state: ExecState, error?: unknown) => void;
}

/**
 * One shell in a task's container, as the renderer keeps it: output and the
 * end that arrive before `exec.open` answers (the shell prints its prompt at
 * once) are held and replayed, keystrokes go in order, resizes are debounced,
 * and `close` is safe to call at any time, also while the open is pending.
 */
export class ExecClient {
  state: ExecState = 'opening';
  session: ExecSession | null = null;

  private readonly early = new Map<string, { chunks: string[]; ended?: { error?: ContractError } }>();
  private readonly stops: (() => void)[] = [];
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingSize: { cols: number; rows: number } | null = null;
  private inputs: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly callbacks: ExecCallbacks,
    private readonly deps: ExecDeps = { exec: api.exec, on: onEvent },
  ) {}

  async open(clusterId: string, taskId: string, cols: number, rows: number): Promise<void> {
    this.stops.push(
      this.deps.on('exec:output', ({ sessionId, data }) => {
        if (this.session === null) this.earlyOf(sessionId).chunks.push(data);
        else if (sessionId === this.session.sessionId && this.state === 'open') this.callbacks.output(decodeBase64(data));
      }),
      this.deps.on('exec:ended', ({ sessionId, error }) => {
        if (this.session === null) this.earlyOf(sessionId).ended = error ? { error } : {};
        else if (sessionId === this.session.sessionId) this.end(error);
      }),
    );
    let session: ExecSession;
    try {
      session = await this.deps.exec.open({ clusterId, taskId, cols, rows });
    } catch (err) {
      this.unsubscribe();
      if (!this.closed) this.setState('failed', err);
      return;
    }
    if (this.closed) {
      // Closed while opening: the session exists in the core, so end it there too.
      this.unsubscribe();
      return void this.deps.exec.close({ sessionId: session.sessionId }).catch(() => undefined);
    }
    this.session = session;
    this.setState('open');
    const early = this.early.get(session.sessionId);
    this.early.clear();
    for (const chunk of early?.chunks ?? []) this.callbacks.output(decodeBase64(chunk));
    if (early?.ended) this.end(early.ended.error);
  }

  /** Keystrokes as xterm gives them (text); chained so a slow round trip cannot reorder them. */
  input(data: string): void {
    const session = this.session;
    if (!session || this.state !== 'open') return;
    this.inputs = this.inputs.then(() => this.deps.exec.input({ sessionId: session.sessionId, data })).catch(() => undefined);
  }

  resize(cols: number, rows: number): void {
    if (cols < 1 || rows < 1) return;
    this.pendingSize = { cols, rows };
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => {
      const size = this.pendingSize;
      this.pendingSize = null;
      if (!size || !this.session || this.state !== 'open') return;
      void this.deps.exec.resize({ sessionId: this.session.sessionId, ...size }).catch(() => undefined);
    }, RESIZE_DEBOUNCE_MS);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.resizeTimer);
    this.unsubscribe();
    if (this.session && this.state === 'open') {
      const { sessionId } = this.session;
      // After the keys typed so far; the core ends the shell in the container (Docker would leave it running).
      this.inputs = this.inputs.then(() => this.deps.exec.close({ sessionId })).catch(() => undefined);
      this.state = 'ended';
    }
  }

  private earlyOf(sessionId: string) {
    let entry = this.early.get(sessionId);
    if (!entry) this.early.set(sessionId, (entry = { chunks: [] }));
    return entry;
  }

  private end(error?: ContractError): void {
    if (this.state === 'ended' || this.state === 'failed') return;
    clearTimeout(this.resizeTimer);
    this.unsubscribe();
    this.setState('ended', error);
  }

  private setState(state: ExecState, error?: unknown): void {
    this.state = state;
    this.callbacks.state(state, error);
  }

  private unsubscribe(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
