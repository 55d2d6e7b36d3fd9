/**
 * The OS keychain, behind the smallest interface the app needs. Accounts are
 * names the app chose itself (it never enumerates: keytar's findCredentials
 * crashes the process on a locked Linux keyring, node-keytar#477).
 */
export interface Keychain {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export type KeychainState = { status: 'available' } | { status: 'locked' | 'unavailable'; reason: string };

export const KEYCHAIN_SERVICE = 'swarmdeck';
const PROBE_ACCOUNT = 'swarmdeck-keychain-probe';
const PROBE_TIMEOUT_MS = 5000;

/**
 * Set, read back and delete a test entry. A locked keyring answers `null` to
 * the read without an error, which is how "locked" is told from "available".
 * A keychain that does not answer in time counts as unavailable.
 */
export async function probeKeychain(keychain: Keychain, timeoutMs = PROBE_TIMEOUT_MS): Promise<KeychainState> {
  const value = `probe-${Date.now()}`;
  const attempt = async (): Promise<KeychainState> => {
    await keychain.set(PROBE_ACCOUNT, value);
    const read = await keychain.get(PROBE_ACCOUNT);
    await keychain.delete(PROBE_ACCOUNT).catch(() => false);
    return read === value
      ? { status: 'available' }
      : { status: 'locked', reason: 'the keychain did not return what was stored; it is probably locked' };
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<KeychainState>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'unavailable', reason: `no answer from the keychain within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([attempt().catch((err: unknown) => ({ status: 'unavailable' as const, reason: firstLine(err) })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
}
