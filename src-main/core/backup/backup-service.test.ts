import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackupState, ContractEvents } from '../../contract.js';
import { memoryLogger } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { ActivityLog } from '../activity/activity-log.js';
import { CoreError } from '../errors.js';
import { EventBus } from '../events.js';
import type { Keychain } from '../keychain/keychain.js';
import { SecretVault } from '../keychain/secret-vault.js';
import type { ProductionDeps } from '../production-deps.js';
import { ClusterProfiles } from '../store/cluster-profiles.js';
import { DataFile } from '../store/data-file.js';
import { newBackupKey, sealArchive, sha256 } from './archive-format.js';
import { backupKeyAccount } from './backup-keys.js';
import { BackupStore } from './backup-store.js';
import { SwarmBackups } from './backup-service.js';

// Schedules, failures kept, and `open` — with real files, real crypto, a real activity log. Two fakes:
// the OS keychain (none answers in a unit test; the lab test uses a real Secret Service) and the
// cluster link (no swarm here; the lab test backs up a real one), which answers that no manager is up.
class MemoryKeychain implements Keychain {
  readonly entries = new Map<string, string>();
  get = (account: string) => Promise.resolve(this.entries.get(account) ?? null);
  set = (account: string, secret: string) => Promise.resolve(void this.entries.set(account, secret));
  delete = (account: string) => Promise.resolve(this.entries.delete(account));
}

describe('SwarmBackups', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let deps: ProductionDeps;
  let keychain: MemoryKeychain;
  let clusterId: string;
  const changed: BackupState[] = [];

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
    const events = new EventBus();
    events.subscribe((event, payload) => {
      if (event === 'backups:changed') changed.push(payload as ContractEvents['backups:changed']);
    });
    const file = new DataFile(dir);
    await file.load();
    const profiles = new ClusterProfiles(file, events);
    clusterId = (await profiles.create({ name: 'prod' })).id;
    keychain = new MemoryKeychain();
    const noManager = () =>
      Promise.reject(new CoreError('NO_MANAGER_REACHABLE', 'None of the managers answers', { params: { managers: 'm1' } }));
    deps = {
      dataDir: dir,
      profiles,
      clusters: { linkOf: noManager },
      vault: new SecretVault(keychain, () => ({ status: 'available' })),
      keychain: () => ({ status: 'available' }),
      activity: new ActivityLog(dir, events),
      events,
      logger: memoryLogger(),
    } as unknown as ProductionDeps;
  });
  afterEach(() => cleanup());

  it('arms a routine after the grace period, keeps its failure, and arms the next one an interval later', async () => {
    const backups = new SwarmBackups(deps, { graceMs: 300 });
    const before = Date.now();
    const state = await backups.configure(clusterId, { everyHours: 24, keep: 3 });
    expect(state.schedule).toEqual({ everyHours: 24, keep: 3 });
    expect(Date.parse(state.nextAt!)).toBeGreaterThanOrEqual(before + 300);
    expect(Date.parse(state.nextAt!)).toBeLessThan(before + 60_000);
    expect(changed.at(-1)?.schedule.everyHours).toBe(24);

    await expect.poll(async () => (await backups.get(clusterId)).lastFailure?.error.code, { timeout: 10_000 }).toBe('NO_MANAGER_REACHABLE');
    const after = await backups.get(clusterId);
    expect(after.running).toBe(false);
    expect(Date.parse(after.nextAt!)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    backups.close();

    // After a restart the failure is still there, and the next attempt waits for its interval.
    const again = new SwarmBackups(deps, { graceMs: 300 });
    await again.load();
    again.resume();
    const resumed = await again.get(clusterId);
    expect(resumed.lastFailure?.error.code).toBe('NO_MANAGER_REACHABLE');
    expect(Date.parse(resumed.nextAt!)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    await again.configure(clusterId, { everyHours: null, keep: 3 });
    expect((await again.get(clusterId)).nextAt).toBeNull();
    again.close();
  });

  it('opens an archive with the keychain key and checks it against its manifest', async () => {
    const backups = new SwarmBackups(deps);
    const store = new BackupStore(dir);
    const key = newBackupKey();
    await keychain.set(backupKeyAccount(clusterId), key.toString('base64'));
    const tar = Buffer.from('swarm/raft/ and swarm/certificates/');
    const file = await sealArchive({ kind: 'keychain', key }, { unlockKey: 'SWMKEY-1-x' }, tar);
    const id = '20250101-000000-abcdef';
    const manifest = {
      id,
      clusterId,
      file: store.archivePath(clusterId, id),
      createdAt: '2025-01-01T00:00:00.000Z',
      swarmId: 's',
      node: { id: 'n', hostname: 'm2', host: 'm2' },
      dockerVersion: '20.10.24',
      bytes: file.length,
      sha256: sha256(tar),
      encryption: 'keychain' as const,
      durationMs: 1,
      managers: 3,
      autolock: true,
    };
    const pending = await store.startArchive(clusterId, id);
    await pending.handle.write(file);
    await pending.commit();
    await store.writeRecord(manifest);

    const opened = await backups.open(clusterId, id);
    expect(opened.tar.equals(tar)).toBe(true);
    expect(opened.unlockKey).toBe('SWMKEY-1-x');
    expect(opened.record).toEqual(manifest);

    await store.writeRecord({ ...manifest, sha256: sha256(Buffer.from('another tar')) });
    await expect(backups.open(clusterId, id)).rejects.toMatchObject({ code: 'BACKUP_UNREADABLE' });
    await store.writeRecord(manifest);
    await writeFile(manifest.file, Buffer.concat([file.subarray(0, -1), Buffer.from([file.at(-1)! ^ 1])]));
    await expect(backups.open(clusterId, id)).rejects.toMatchObject({ code: 'BACKUP_UNREADABLE' });

    await writeFile(manifest.file, file);
    await deps.vault.forget(backupKeyAccount(clusterId));
    await expect(backups.open(clusterId, id)).rejects.toMatchObject({ code: 'BACKUP_KEY_MISSING' });
    await expect(backups.open(clusterId, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await backups.remove(clusterId, id);
    expect((await backups.get(clusterId)).backups).toEqual([]);
  });
});
