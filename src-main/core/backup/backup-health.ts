import type { HealthWarning } from '../../contract.js';

const HOUR_MS = 3_600_000;
/** Without a schedule, the rule: a backup within the last day. */
const DEFAULT_HOURS = 24;
// A routine backup starts when due and takes minutes (plus the start-up grace): an hour of slack
// keeps the warning for a missed one, not for one that is running.
const SLACK_MS = HOUR_MS;

/** The health panel's backup warnings: none taken from this workstation, or the newest too old for the schedule. */
export function backupWarnings(newestAt: string | null, everyHours: number | null, now: number): HealthWarning[] {
  if (newestAt === null) return [{ code: 'BACKUP_MISSING', params: {} }];
  const every = everyHours ?? DEFAULT_HOURS;
  const age = now - Date.parse(newestAt);
  if (!(age > every * HOUR_MS + SLACK_MS)) return [];
  return [{ code: 'BACKUP_STALE', params: { hours: String(Math.floor(age / HOUR_MS)), every: String(every) } }];
}
