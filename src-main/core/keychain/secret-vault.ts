import type { Keychain, KeychainState } from './keychain.js';

/**
 * Where the app keeps a secret it was given: in main-process memory for this
 * session always, and in the OS keychain too when the operator ticked
 * "remember" and the keychain works. Never anywhere else.
 */
export class SecretVault {
  private readonly session = new Map<string, string>();

  constructor(
    private readonly keychain: Keychain,
    private readonly state: () => KeychainState,
  ) {}

  async remember(account: string, secret: string, options: { persist: boolean }): Promise<{ persisted: boolean }> {
    this.session.set(account, secret);
    if (!options.persist || this.state().status !== 'available') return { persisted: false };
    await this.keychain.set(account, secret);
    return { persisted: true };
  }

  async recall(account: string): Promise<string | null> {
    const inMemory = this.session.get(account);
    if (inMemory !== undefined) return inMemory;
    if (this.state().status !== 'available') return null;
    const stored = await this.keychain.get(account);
    if (stored !== null) this.session.set(account, stored);
    return stored;
  }

  /** Drops a secret that turned out wrong (a rejected passphrase), everywhere it was kept. */
  async forget(account: string): Promise<void> {
    this.session.delete(account);
    if (this.state().status === 'available') await this.keychain.delete(account);
  }
}
