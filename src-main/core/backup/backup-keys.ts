import type { BackupEncryption, KeychainStatus } from '../../contract.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import { keyMissing, newBackupKey, type SealKey } from './archive-format.js';
import { refusal } from './backup-guard.js';

/** The keychain account of a cluster's backup key (base64 of 32 random bytes). */
export function backupKeyAccount(clusterId: string): string {
  return `backup-key:${clusterId}`;
}

/**
 * A cluster's backup key as the keychain holds it, or null. A key the vault holds only in memory
 * still opens archives made this session.
 */
export async function recallBackupKey(vault: SecretVault, clusterId: string): Promise<Buffer | null> {
  const stored = await vault.recall(backupKeyAccount(clusterId)).catch(() => null);
  if (!stored) return null;
  const key = Buffer.from(stored, 'base64');
  return key.length === 32 ? key : null;
}

/**
 * The key an archive is sealed with. A keychain key is made on first use and must reach the
 * keychain itself: a key kept only in memory would leave the archive unreadable after a restart.
 */
export async function sealKeyFor(
  vault: SecretVault,
  keychain: () => KeychainStatus,
  clusterId: string,
  encryption: BackupEncryption,
  passphrase: string | undefined,
): Promise<SealKey> {
  if (encryption === 'passphrase') {
    if (!passphrase) throw refusal('a passphrase-encrypted backup needs its passphrase');
    return { kind: 'passphrase', passphrase };
  }
  const status = keychain();
  if (status.status !== 'available') {
    throw keyMissing(`the keychain is ${status.status} (${status.reason}); use a passphrase instead, or unlock the keychain`);
  }
  const existing = await recallBackupKey(vault, clusterId);
  if (existing) return { kind: 'keychain', key: existing };
  const key = newBackupKey();
  const { persisted } = await vault
    .remember(backupKeyAccount(clusterId), key.toString('base64'), { persist: true })
    .catch(() => ({ persisted: false }));
  if (!persisted) {
    // Not left in memory either: later archives would be sealed with a key the next start lacks.
    await vault.forget(backupKeyAccount(clusterId)).catch(() => undefined);
    throw keyMissing('a new backup key could not be stored in the keychain; use a passphrase instead');
  }
  return { kind: 'keychain', key };
}
