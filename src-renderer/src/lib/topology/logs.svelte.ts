import type { LogLine } from '../../../../src-main/contract.js';
import { onEvent } from '../api.js';
import { describeError } from '../describe-error.js';
import type { ClusterOperations } from './operations.js';

/** Lines put in the DOM at most (the newest that match the filter). */
export const LOG_DOM_LIMIT = 5000;
/** Lines kept for the filter and the download. */
export const LOG_KEEP = 20_000;
/** Lines asked for from before the stream started. */
export const LOG_TAIL = 500;

/** A line as kept: numbered in arrival order, so the DOM can key it. */
export type LogEntry = LogLine & { seq: number };

export function appendLines<L>(lines: readonly L[], incoming: readonly L[], keep = LOG_KEEP): L[] {
  return lines.length + incoming.length > keep ? [...lines, ...incoming].slice(-keep) : [...lines, ...incoming];
}

/** `web.1@worker3`, as `docker service logs` prefixes a line. */
export function linePrefix(line: LogLine): string {
  return `${line.task}@${line.node}`;
}

/** The newest `limit` lines whose prefix or text contains `query` (any case). */
export function filterLines<L extends LogLine>(lines: readonly L[], query: string, limit = LOG_DOM_LIMIT): L[] {
  const q = query.trim().toLowerCase();
  if (q === '') return lines.slice(-limit);
  const out: L[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
    const line = lines[i]!;
    if (line.text.toLowerCase().includes(q) || linePrefix(line).toLowerCase().includes(q)) out.push(line);
  }
  return out.reverse();
}

export function logsText(lines: readonly LogLine[]): string {
  return lines.map((l) => `${l.time} ${linePrefix(l)} | ${l.text}`).join('\n') + (lines.length > 0 ? '\n' : '');
}

/** One `services.logs` stream with follow on: lines batched as they come, stopped on close. */
export class LogStream {
  lines = $state.raw<LogEntry[]>([]);
  state = $state<'starting' | 'following' | 'ended' | 'failed'>('starting');
  error = $state<string | undefined>();

  private streamId: string | null = null;
  /** Lines and ends that came before `services.logs` answered with the stream's ID. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a buffer, never rendered
  private early = new Map<string, { lines: LogLine[]; ended?: { error?: unknown } }>();
  private queue: LogLine[] = [];
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stops: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly ops: Pick<ClusterOperations, 'logs' | 'stopLogs'>,
    readonly serviceId: string,
  ) {}

  async start(): Promise<void> {
    this.stops.push(
      onEvent('logs:lines', ({ streamId, lines }) => {
        if (this.streamId === null) {
          const entry = this.early.get(streamId) ?? { lines: [] };
          entry.lines = appendLines(entry.lines, lines);
          this.early.set(streamId, entry);
        } else if (streamId === this.streamId) this.receive(lines);
      }),
      onEvent('logs:ended', ({ streamId, error }) => {
        if (this.streamId === null) this.early.set(streamId, { lines: this.early.get(streamId)?.lines ?? [], ended: { error } });
        else if (streamId === this.streamId) this.end(error);
      }),
    );
    try {
      const { streamId } = await this.ops.logs(this.serviceId, LOG_TAIL);
      if (this.stopped) return void this.ops.stopLogs(streamId).catch(() => undefined);
      this.streamId = streamId;
      this.state = 'following';
      const early = this.early.get(streamId);
      this.early.clear();
      if (early) {
        this.receive(early.lines);
        if (early.ended) this.end(early.ended.error);
      }
    } catch (err) {
      this.state = 'failed';
      this.error = describeError(err);
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    for (const stop of this.stops) stop();
    if (this.streamId && this.state === 'following') void this.ops.stopLogs(this.streamId).catch(() => undefined);
  }

  private receive(lines: readonly LogLine[]): void {
    this.queue.push(...lines);
    this.timer ??= setTimeout(() => this.flush(), 100);
  }

  private flush(): void {
    this.timer = undefined;
    this.lines = appendLines(
      this.lines,
      this.queue.map((line) => ({ ...line, seq: this.seq++ })),
    );
    this.queue = [];
  }

  private end(error: unknown): void {
    clearTimeout(this.timer);
    this.flush();
    this.state = error ? 'failed' : 'ended';
    if (error) this.error = describeError(error);
  }
}
