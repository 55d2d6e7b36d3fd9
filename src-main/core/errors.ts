import type { ContractError, ErrorCode } from '../contract.js';

/** An error the core means to report to the operator: it keeps a code across every transport. */
export class CoreError extends Error {
  readonly code: ErrorCode;
  readonly params: Record<string, string> | undefined;
  readonly issues: ContractError['issues'];

  constructor(
    code: ErrorCode,
    message: string,
    options: { params?: Record<string, string>; issues?: ContractError['issues']; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CoreError';
    this.code = code;
    this.params = options.params;
    this.issues = options.issues;
  }

  toContractError(): ContractError {
    const error: ContractError = { code: this.code, message: this.message };
    if (this.params) error.params = this.params;
    if (this.issues) error.issues = this.issues;
    return error;
  }
}

/**
 * Turns anything thrown into data that may leave the process. Unexpected errors
 * become INTERNAL with a generic message: their text may carry paths or secrets.
 */
export function toContractError(err: unknown): ContractError {
  if (err instanceof CoreError) return err.toContractError();
  return { code: 'INTERNAL', message: 'Internal error' };
}
