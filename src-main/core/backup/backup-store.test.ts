import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupRecord } from '../../contract.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { BackupStore } from './backup-store.js';

describe('backup store', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  const recordFor = (store: BackupStore, id: string, createdAt: string): BackupRecord => ({
    id,
    clusterId: 'c1',
    file: store.archivePath('c1', id),
    createdAt,
    swarmId: 'swarm',
    node: { id: 'n2', hostname: 'm2', host: 'm2' },
    dockerVersion: '20.10.24',
    bytes: 3,
    sha256: 'a'.repeat(64),
    encryption: 'keychain',
    durationMs: 1000,
    managers: 3,
    autolock: true,
  });

  async function keep(store: BackupStore, id: string, createdAt: string): Promise<BackupRecord> {
    const pending = await store.startArchive('c1', id);
    await pending.handle.write(Buffer.from('abc'));
    await pending.commit();
    const record = recordFor(store, id, createdAt);
    await store.writeRecord(record);
    return record;
  }

  it('lists complete archives newest first, each file 0600; a discarded one leaves nothing', async () => {
    const store = new BackupStore(dir);
    await keep(store, 'old', '2025-01-01T00:00:00.000Z');
    await keep(store, 'new', '2025-01-02T00:00:00.000Z');
    const discarded = await store.startArchive('c1', 'gone');
    await discarded.handle.write(Buffer.from('half'));
    await discarded.discard();
    // A manifest without its archive (a crash between the two) is no backup.
    await writeFile(join(dir, 'backups', 'c1', 'orphan.json'), JSON.stringify(recordFor(store, 'orphan', '2025-01-03T00:00:00.000Z')));
    expect((await store.list('c1')).map((r) => r.id)).toEqual(['new', 'old']);
    for (const name of ['new.swarmbak', 'new.json']) expect((await stat(join(dir, 'backups', 'c1', name))).mode & 0o777).toBe(0o600);
    expect((await readdir(join(dir, 'backups', 'c1'))).sort()).toEqual([
      'new.json',
      'new.swarmbak',
      'old.json',
      'old.swarmbak',
      'orphan.json',
    ]);
  });

  it('removes an archive and its manifest; an unknown or unsafe id is NOT_FOUND', async () => {
    const store = new BackupStore(dir);
    await keep(store, 'one', '2025-01-01T00:00:00.000Z');
    await store.remove('c1', 'one');
    expect(await readdir(join(dir, 'backups', 'c1'))).toEqual([]);
    await expect(store.remove('c1', 'one')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.remove('c1', '../x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.list('../etc')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps schedules and the last failure across a restart', async () => {
    const store = new BackupStore(dir);
    await store.update('c1', (s) => ({
      ...s,
      schedule: { everyHours: 24, keep: 3 },
      lastFailure: { at: '2025-01-01T00:00:00.000Z', error: { code: 'BACKUP_REFUSED', message: 'no', params: { reason: 'quorum' } } },
    }));
    const again = new BackupStore(dir);
    await again.load();
    expect(again.settings('c1')).toMatchObject({
      schedule: { everyHours: 24, keep: 3 },
      lastFailure: { error: { code: 'BACKUP_REFUSED' } },
    });
    expect(again.settings('c2')).toMatchObject({ schedule: { everyHours: null, keep: 7 }, lastFailure: null });
    expect((await stat(again.settingsPath)).mode & 0o777).toBe(0o600);
  });
});
