import { describe, expect, it } from 'vitest';
import { HEADER_BYTES, newBackupKey, openArchive, readHeader, sealArchive } from './archive-format.js';

// Real AES-256-GCM and scrypt; a lower scrypt cost (2^12) keeps the suite quick, the format is the same.
const tar = Buffer.from('swarm/raft/wal-v3-encrypted/0000.wal\0'.repeat(2000));
const secrets = { unlockKey: 'SWMKEY-1-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF' };

const codeOf = async (p: Promise<unknown>): Promise<string | undefined> =>
  p.then(
    () => undefined,
    (err: { code?: string }) => err.code,
  );

describe('backup archive format', () => {
  it('roundtrips with a keychain key, the secrets beside the tar, none of it in clear', async () => {
    const key = newBackupKey();
    const file = await sealArchive({ kind: 'keychain', key }, secrets, tar);
    expect(readHeader(file, 'x').kdf).toBe('keychain');
    expect(file.includes(Buffer.from(secrets.unlockKey))).toBe(false);
    expect(file.includes(Buffer.from('swarm/raft'))).toBe(false);
    const opened = await openArchive(file, { keychainKey: key, passphrase: undefined }, 'x');
    expect(opened.tar.equals(tar)).toBe(true);
    expect(opened.secrets).toEqual(secrets);
  });

  it('roundtrips with a passphrase; the salt is in the header, the passphrase nowhere', async () => {
    const file = await sealArchive({ kind: 'passphrase', passphrase: 'correct horse battery', logN: 12 }, { unlockKey: null }, tar);
    const header = readHeader(file, 'x');
    expect(header).toMatchObject({ kdf: 'passphrase', logN: 12, r: 8, p: 1 });
    expect(file.includes(Buffer.from('correct horse battery'))).toBe(false);
    const opened = await openArchive(file, { keychainKey: null, passphrase: 'correct horse battery' }, 'x');
    expect(opened.tar.equals(tar)).toBe(true);
    expect(opened.secrets.unlockKey).toBeNull();
    // Two seals of the same data differ (fresh salt and IV).
    const again = await sealArchive({ kind: 'passphrase', passphrase: 'correct horse battery', logN: 12 }, { unlockKey: null }, tar);
    expect(again.subarray(16, 44).equals(file.subarray(16, 44))).toBe(false);
  });

  it('refuses a wrong passphrase and a missing one as BACKUP_UNREADABLE', async () => {
    const file = await sealArchive({ kind: 'passphrase', passphrase: 'correct horse battery', logN: 12 }, secrets, tar);
    expect(await codeOf(openArchive(file, { keychainKey: null, passphrase: 'correct horse battery!' }, 'x'))).toBe('BACKUP_UNREADABLE');
    expect(await codeOf(openArchive(file, { keychainKey: null, passphrase: undefined }, 'x'))).toBe('BACKUP_UNREADABLE');
  });

  it('refuses a flipped byte anywhere (header, body, tag) as BACKUP_UNREADABLE', async () => {
    const key = newBackupKey();
    const file = await sealArchive({ kind: 'keychain', key }, secrets, tar);
    for (const at of [33, HEADER_BYTES + 2, Math.floor(file.length / 2), file.length - 1]) {
      const bad = Buffer.from(file);
      bad[at] = bad[at]! ^ 0x01;
      expect(await codeOf(openArchive(bad, { keychainKey: key, passphrase: undefined }, 'x'))).toBe('BACKUP_UNREADABLE');
    }
    expect(await codeOf(openArchive(file.subarray(0, 40), { keychainKey: key, passphrase: undefined }, 'x'))).toBe('BACKUP_UNREADABLE');
    expect(await codeOf(openArchive(Buffer.from('not a backup at all, just text'), { keychainKey: key, passphrase: undefined }, 'x'))).toBe(
      'BACKUP_UNREADABLE',
    );
  });

  it('says the key is missing when the keychain has none, or another one', async () => {
    const file = await sealArchive({ kind: 'keychain', key: newBackupKey() }, secrets, tar);
    expect(await codeOf(openArchive(file, { keychainKey: null, passphrase: undefined }, 'x'))).toBe('BACKUP_KEY_MISSING');
    expect(await codeOf(openArchive(file, { keychainKey: newBackupKey(), passphrase: undefined }, 'x'))).toBe('BACKUP_KEY_MISSING');
  });

  it('bounds the scrypt cost a crafted header may ask for', async () => {
    const file = await sealArchive({ kind: 'passphrase', passphrase: 'correct horse battery', logN: 12 }, secrets, tar);
    const bad = Buffer.from(file);
    bad[10] = 30;
    expect(() => readHeader(bad, 'x')).toThrow(/out of range/);
  });
});
