import type { KeychainStatus } from '../../contract.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { PromptBroker } from '../prompts/prompt-broker.js';
import type { Credentials } from '../ssh/connect.js';
import { describeEndpoint, secretAccount, type SshEndpoint } from '../ssh/endpoint.js';

/**
 * Passwords and passphrases for one connection attempt: from the vault when
 * it has them, else asked of the operator (and kept as they chose). It records
 * what it handed out, so a rejected secret can be forgotten and asked again.
 */
export class PromptingCredentials implements Credentials {
  readonly used: string[] = [];

  constructor(
    private readonly vault: SecretVault,
    private readonly prompts: PromptBroker,
    private readonly keychain: () => KeychainStatus,
  ) {}

  password(endpoint: SshEndpoint): Promise<string | null> {
    return this.obtain(secretAccount('password', endpoint), 'password', describeEndpoint(endpoint));
  }

  passphrase(endpoint: SshEndpoint, keyFile: string): Promise<string | null> {
    return this.obtain(secretAccount('passphrase', { ...endpoint, identityFile: keyFile }), 'passphrase', keyFile);
  }

  /** Forgets every secret this attempt used (after the server or the key file refused them). */
  async forgetUsed(): Promise<void> {
    for (const account of this.used) await this.vault.forget(account);
  }

  private async obtain(account: string, kind: 'password' | 'passphrase', target: string): Promise<string | null> {
    let secret = await this.vault.recall(account);
    if (secret === null) {
      const answer = await this.prompts.ask<'prompt:secret', { secret: string | null; remember: boolean }>(
        'prompt:secret',
        { kind, target, canRemember: this.keychain().status === 'available' },
        { secret: null, remember: false },
      );
      if (answer.secret === null || answer.secret === '') return null;
      secret = answer.secret;
      await this.vault.remember(account, secret, { persist: answer.remember });
    }
    this.used.push(account);
    return secret;
  }
}
