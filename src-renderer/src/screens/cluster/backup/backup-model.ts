import type { BackupCheck, BackupNodeRef, BackupRecord, BackupSchedule, ContractError } from '../../../../../src-main/contract.js';

// The backups tab's rules that need no swarm: what a check allows, the passphrase typed twice,
// the schedule form, and which managers a restore offers to join again.

/** The contract's bound: the core refuses a shorter passphrase or registry password. */
export const MIN_SECRET = 8;
/** At most this many managers are joined after a restore (the contract's bound). */
export const MAX_READDED = 6;

export type CheckReading =
  { kind: 'refused'; error: ContractError | null } | { kind: 'ready'; node: BackupNodeRef; needsAck: boolean; unlockKeyMissing: boolean };

/**
 * A single manager comes back refused until acknowledged, with the node named: that refusal is a
 * question for the operator, not a dead end. Any other refusal is final.
 */
export function readCheck(check: BackupCheck): CheckReading {
  const single = check.warnings.includes('SINGLE_MANAGER');
  if (!check.node || (check.refused && !single)) return { kind: 'refused', error: check.refused };
  return { kind: 'ready', node: check.node, needsAck: single, unlockKeyMissing: check.warnings.includes('UNLOCK_KEY_MISSING') };
}

export type PassphraseProblem = 'short' | 'mismatch';

/** The passphrase typed twice: what is wrong with each field, if anything. */
export function passphraseProblems(first: string, again: string): { first?: PassphraseProblem; again?: PassphraseProblem } {
  if (first.length < MIN_SECRET) return { first: 'short' };
  if (first !== again) return { again: 'mismatch' };
  return {};
}

export interface ScheduleForm {
  mode: 'off' | 'every';
  hours: string;
  keep: string;
}

export function scheduleForm(schedule: BackupSchedule): ScheduleForm {
  return { mode: schedule.everyHours === null ? 'off' : 'every', hours: String(schedule.everyHours ?? 24), keep: String(schedule.keep) };
}

function wholeNumber(text: string, min: number, max: number): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : null;
}

/** The form as the contract's schedule, or which fields are wrong. */
export function toSchedule(form: ScheduleForm): { schedule: BackupSchedule | null; invalid: ('hours' | 'keep')[] } {
  const hours = form.mode === 'off' ? null : wholeNumber(form.hours, 1, 24 * 30);
  const keep = wholeNumber(form.keep, 1, 1000);
  const invalid: ('hours' | 'keep')[] = [];
  if (form.mode === 'every' && hours === null) invalid.push('hours');
  if (keep === null) invalid.push('keep');
  if (invalid.length > 0 || keep === null) return { schedule: null, invalid };
  return { schedule: { everyHours: hours, keep }, invalid };
}

/** How many managers a restore may join again: the backup's count less the restored one. */
export function readdLimit(backup: BackupRecord): number {
  return Math.max(0, Math.min(backup.managers - 1, MAX_READDED));
}

/** The candidates to join as managers, without the restored host, the first ones up to the limit chosen. */
export function managerChoices(candidates: readonly string[], host: string, limit: number): { offered: string[]; chosen: string[] } {
  const offered = candidates.filter((c) => c !== host);
  return { offered, chosen: offered.slice(0, limit) };
}
