import { createRequire } from 'node:module';
import { KEYCHAIN_SERVICE, type Keychain } from './keychain.js';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/**
 * The OS keychain through keytar (macOS Keychain, Windows Credential Vault,
 * Secret Service on Linux). keytar is loaded on first use, so a missing or
 * mis-built native module makes the keychain "unavailable" instead of stopping the app.
 */
export class KeytarKeychain implements Keychain {
  private keytar: Keytar | null = null;

  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  private load(): Keytar {
    this.keytar ??= createRequire(import.meta.url)('keytar') as Keytar;
    return this.keytar;
  }

  get(account: string): Promise<string | null> {
    return this.load().getPassword(this.service, account);
  }

  set(account: string, secret: string): Promise<void> {
    return this.load().setPassword(this.service, account, secret);
  }

  delete(account: string): Promise<boolean> {
    return this.load().deletePassword(this.service, account);
  }
}
