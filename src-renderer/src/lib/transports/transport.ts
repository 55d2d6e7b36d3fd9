import type { ContractEvents, EventName, Result } from '../../../../src-main/contract.js';

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized';

/** How the renderer reaches the core; the API above it does not know which one it has. */
export interface Transport {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, callback: (payload: ContractEvents[E]) => void): () => void;
  onConnectionChange(callback: (state: ConnectionState) => void): () => void;
}
