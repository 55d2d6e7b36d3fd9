import type { z } from 'zod';
import {
  SCHEMA_ISSUE_CODES,
  type IssueCode,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Result,
  type ValidationIssue,
} from '../../contract.js';
import { CoreError, toContractError } from '../errors.js';

export interface Route<M extends MethodName> {
  schema: z.ZodType<MethodInput<M>>;
  handle(input: MethodInput<M>): MethodOutput<M> | Promise<MethodOutput<M>>;
}

/** One route per contract method; the type makes a missing method a compile error. */
export type Routes = { [M in MethodName]: Route<M> };

export type Dispatch = (method: string, input: unknown) => Promise<Result<unknown>>;

export interface DispatcherOptions {
  /** Told about unexpected failures, for the log; never receives the input (it may hold secrets). */
  onInternalError?: (method: string, err: unknown) => void;
}

/**
 * The single entry every transport calls: unknown methods and malformed input
 * become typed errors, and nothing thrown escapes as an exception.
 */
export function createDispatcher(routes: Routes, options: DispatcherOptions = {}): Dispatch {
  return async (method, input) => {
    if (typeof method !== 'string' || !Object.hasOwn(routes, method)) {
      return fail(new CoreError('UNKNOWN_METHOD', `Unknown method ${String(method)}`, { params: { method: String(method) } }));
    }
    const route = routes[method as MethodName] as unknown as Route<MethodName>;
    const parsed = route.schema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(toValidationIssue);
      return fail(
        new CoreError('INVALID_ARGUMENT', `Invalid argument for ${method}: ${issues.map(describeIssue).join('; ')}`, {
          params: { method },
          issues,
        }),
      );
    }
    try {
      const value = await route.handle(parsed.data);
      return { ok: true, value };
    } catch (err) {
      if (!(err instanceof CoreError)) options.onInternalError?.(method, err);
      return fail(err);
    }
  };
}

const OWN_ISSUE_CODES = new Set<string>(SCHEMA_ISSUE_CODES);

/** Our schemas name their failures with issue codes; zod's own checks map onto a few generic ones. */
function toValidationIssue(issue: z.core.$ZodIssue): ValidationIssue {
  const path = issue.path.map(String).join('.');
  if (OWN_ISSUE_CODES.has(issue.message)) return { path, code: issue.message as IssueCode, message: issue.message };
  const code: IssueCode =
    issue.code === 'unrecognized_keys'
      ? 'UNKNOWN_FIELD'
      : issue.code === 'invalid_type'
        ? 'WRONG_TYPE'
        : issue.code === 'too_big'
          ? 'TOO_MANY'
          : 'INVALID_VALUE';
  return { path, code, message: issue.message };
}

function describeIssue(issue: ValidationIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

function fail(err: unknown): Result<never> {
  return { ok: false, error: toContractError(err) };
}
