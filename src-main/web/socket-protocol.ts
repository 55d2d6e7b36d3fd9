import type { RawData } from 'ws';
import type { Result } from '../contract.js';
import type { Dispatch } from '../core/api/dispatcher.js';

export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * One request per message: `{ id, method, input }` in, `{ id, result }` out,
 * where `result` is the contract's `Result`. A message that is not a request
 * still gets an answer (with `id: null`), so a client never waits forever.
 */
export async function handleSocketMessage(dispatch: Dispatch, data: RawData, isBinary: boolean): Promise<string> {
  let request: unknown;
  try {
    if (isBinary) throw new Error('binary');
    request = JSON.parse(rawToString(data));
  } catch {
    return reply(null, invalid('Message is not JSON text'));
  }
  if (typeof request !== 'object' || request === null) return reply(null, invalid('Message is not an object'));
  const { id, method, input } = request as { id?: unknown; method?: unknown; input?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return reply(null, invalid('Message has no numeric id'));
  if (typeof method !== 'string') return reply(id, invalid('Message has no method'));
  return reply(id, await dispatch(method, input));
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function invalid(message: string): Result<never> {
  return { ok: false, error: { code: 'INVALID_ARGUMENT', message } };
}

function reply(id: number | null, result: Result<unknown>): string {
  return JSON.stringify({ id, result });
}
