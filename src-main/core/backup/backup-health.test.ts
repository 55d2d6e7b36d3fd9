import { describe, expect, it } from 'vitest';
import { backupWarnings } from './backup-health.js';

const now = Date.parse('2026-11-28T12:00:00Z');
const hoursAgo = (h: number): string => new Date(now - h * 3_600_000).toISOString();

describe('backup warnings', () => {
  it('warns when no backup was ever taken', () => {
    expect(backupWarnings(null, null, now)).toEqual([{ code: 'BACKUP_MISSING', params: {} }]);
  });

  it('without a schedule, wants one within a day (an hour of slack)', () => {
    expect(backupWarnings(hoursAgo(24.5), null, now)).toEqual([]);
    expect(backupWarnings(hoursAgo(26), null, now)).toEqual([{ code: 'BACKUP_STALE', params: { hours: '26', every: '24' } }]);
  });

  it('with a schedule, holds the newest backup to it', () => {
    expect(backupWarnings(hoursAgo(6.5), 6, now)).toEqual([]);
    expect(backupWarnings(hoursAgo(8), 6, now)).toEqual([{ code: 'BACKUP_STALE', params: { hours: '8', every: '6' } }]);
    expect(backupWarnings(hoursAgo(30), 48, now)).toEqual([]);
  });
});
