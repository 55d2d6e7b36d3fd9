import { describe, expect, it } from 'vitest';
import type { BackupCheck, BackupRecord } from '../../../../../src-main/contract.js';
import { managerChoices, passphraseProblems, readCheck, readdLimit, scheduleForm, toSchedule } from './backup-model.js';

const node = { id: 'n2', hostname: 'manager2', host: 'm2' };
const refused = { code: 'BACKUP_REFUSED' as const, message: 'x', params: { reason: 'y' } };

describe('reading a backup check', () => {
  it('a node and no refusal: ready, with the unlock-key warning carried', () => {
    const check: BackupCheck = { node, refused: null, warnings: ['UNLOCK_KEY_MISSING'], autolock: true };
    expect(readCheck(check)).toEqual({ kind: 'ready', node, needsAck: false, unlockKeyMissing: true });
  });

  it('a single manager refused until acknowledged is a question, not a dead end', () => {
    const check: BackupCheck = { node, refused, warnings: ['SINGLE_MANAGER'], autolock: false };
    expect(readCheck(check)).toEqual({ kind: 'ready', node, needsAck: true, unlockKeyMissing: false });
  });

  it('any other refusal, or a single manager not in Hosts, is final', () => {
    expect(readCheck({ node: null, refused, warnings: [], autolock: false })).toEqual({ kind: 'refused', error: refused });
    expect(readCheck({ node: null, refused, warnings: ['SINGLE_MANAGER'], autolock: false })).toEqual({ kind: 'refused', error: refused });
    expect(readCheck({ node, refused, warnings: [], autolock: false })).toEqual({ kind: 'refused', error: refused });
  });
});

describe('the passphrase typed twice', () => {
  it('is at least 8 characters, and the same both times', () => {
    expect(passphraseProblems('short', 'short')).toEqual({ first: 'short' });
    expect(passphraseProblems('long enough', 'long enougH')).toEqual({ again: 'mismatch' });
    expect(passphraseProblems('long enough', 'long enough')).toEqual({});
  });
});

describe('the schedule form', () => {
  it('round-trips a schedule', () => {
    expect(scheduleForm({ everyHours: null, keep: 7 })).toEqual({ mode: 'off', hours: '24', keep: '7' });
    expect(toSchedule(scheduleForm({ everyHours: 6, keep: 10 }))).toEqual({ schedule: { everyHours: 6, keep: 10 }, invalid: [] });
    expect(toSchedule({ mode: 'off', hours: 'nonsense', keep: ' 3 ' })).toEqual({ schedule: { everyHours: null, keep: 3 }, invalid: [] });
  });

  it('names the fields out of the contract’s bounds', () => {
    expect(toSchedule({ mode: 'every', hours: '0', keep: '1001' }).invalid).toEqual(['hours', 'keep']);
    expect(toSchedule({ mode: 'every', hours: '1.5', keep: '2' }).invalid).toEqual(['hours']);
    expect(toSchedule({ mode: 'every', hours: '721', keep: '2' }).schedule).toBeNull();
  });
});

describe('managers to join again after a restore', () => {
  const backup = (managers: number) => ({ managers }) as BackupRecord;

  it('up to the backup’s count less the restored one, never more than the contract takes', () => {
    expect(readdLimit(backup(1))).toBe(0);
    expect(readdLimit(backup(3))).toBe(2);
    expect(readdLimit(backup(9))).toBe(6);
  });

  it('offers the candidates other than the host, the first ones chosen', () => {
    expect(managerChoices(['m1', 'm2', 'm3', 'm4'], 'm2', 2)).toEqual({ offered: ['m1', 'm3', 'm4'], chosen: ['m1', 'm3'] });
    expect(managerChoices(['m1'], 'm1', 2)).toEqual({ offered: [], chosen: [] });
  });
});
