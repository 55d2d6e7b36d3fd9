import { randomUUID } from 'node:crypto';
import type { ContractEvents } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { EventBus } from '../events.js';

type PromptEvent = 'prompt:hostKey' | 'prompt:secret';
type PromptPayload<E extends PromptEvent> = Omit<ContractEvents[E], 'promptId'>;

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/**
 * Questions the core must put to the operator mid-operation (trust this host
 * key? the passphrase for this key?). Each is an event out and an answer in; a
 * question nobody answers in time is treated as "no", so nothing waits forever.
 */
export class PromptBroker {
  private readonly pending = new Map<string, { resolve: (answer: unknown) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly events: EventBus,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  ask<E extends PromptEvent, A>(event: E, payload: PromptPayload<E>, onTimeout: A): Promise<A> {
    const promptId = randomUUID();
    return new Promise<A>((resolve) => {
      const timer = setTimeout(() => this.settle(promptId, onTimeout), this.timeoutMs);
      this.pending.set(promptId, { resolve: resolve as (answer: unknown) => void, timer });
      this.events.emit(event, { ...payload, promptId } as ContractEvents[E]);
    });
  }

  answer(promptId: string, answer: unknown): void {
    if (!this.pending.has(promptId)) throw new CoreError('PROMPT_EXPIRED', 'That question was already answered or has expired');
    this.settle(promptId, answer);
  }

  private settle(promptId: string, answer: unknown): void {
    const entry = this.pending.get(promptId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(promptId);
    entry.resolve(answer);
    this.events.emit('prompt:closed', { promptId });
  }
}
