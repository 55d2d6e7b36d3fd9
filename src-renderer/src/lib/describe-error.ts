import type { ValidationIssue } from '../../../src-main/contract.js';
import { ApiError } from './api.js';
import { tDynamic } from './i18n/index.svelte.js';

/** Words for an error from the core, in the current locale. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return tDynamic(`errors.${err.code}`, err.params, 'errors.INTERNAL');
  // A contract error carried as data inside a result (e.g. HostTestResult.dockerError).
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') {
    return tDynamic(`errors.${err.code}`, (err as { params?: Record<string, string> }).params ?? {}, 'errors.INTERNAL');
  }
  return tDynamic('errors.INTERNAL');
}

export function describeIssue(issue: ValidationIssue): string {
  return tDynamic(`issues.${issue.code}`, {}, 'issues.INVALID_VALUE');
}

/** Issues of an ApiError grouped by their top-level field (`hosts.2` → `hosts`). */
export function issuesByField(err: unknown): Map<string, ValidationIssue[]> {
  const byField = new Map<string, ValidationIssue[]>();
  if (!(err instanceof ApiError)) return byField;
  for (const issue of err.issues) {
    const field = issue.path.split('.')[0] ?? '';
    byField.set(field, [...(byField.get(field) ?? []), issue]);
  }
  return byField;
}
