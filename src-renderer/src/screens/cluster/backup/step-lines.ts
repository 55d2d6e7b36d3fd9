import type { ContractError } from '../../../../../src-main/contract.js';
import { describeError } from '../../../lib/describe-error.js';

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

/** One line of a run: what the step does, and what the core last said about it. */
export interface StepLine {
  id: string;
  words: string;
  state: StepState;
  /** The state in words (absent while pending). */
  status?: string;
  /** The core's detail, or a failure in words. */
  detail?: string;
}

/** What the backup, restore and registry progress events have in common. */
export interface ProgressLike {
  state: 'running' | 'done' | 'failed' | 'skipped';
  detail?: string;
  error?: ContractError;
}

/** A step as a line: pending until the core reports it, then its state and detail (a failure in words). */
export function stepLine(
  id: string,
  words: string,
  seen: ProgressLike | undefined,
  stateWords: Record<ProgressLike['state'], string>,
): StepLine {
  if (!seen) return { id, words, state: 'pending' };
  const detail = seen.error ? describeError(seen.error) : seen.detail;
  return { id, words, state: seen.state, status: stateWords[seen.state], ...(detail ? { detail } : {}) };
}
