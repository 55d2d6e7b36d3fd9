import type { ContractEvents, EventName } from '../contract.js';

export type EventListener = <E extends EventName>(event: E, payload: ContractEvents[E]) => void;

/** The core's outgoing events; each adapter subscribes once and forwards to its renderer(s). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: ContractEvents[E]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }
}
