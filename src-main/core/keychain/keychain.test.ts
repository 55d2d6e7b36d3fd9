import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateKeyring, type PrivateKeyring } from '../../../test/support/private-keyring.js';
import { probeKeychain, type KeychainState } from './keychain.js';
import { KeytarKeychain } from './keytar-keychain.js';
import { SecretVault } from './secret-vault.js';

// A real gnome-keyring on a private D-Bus session bus: keytar talks to it
// exactly as it would to the desktop's keyring.
let keyring: PrivateKeyring;
const saved = { ...process.env };

beforeAll(async () => {
  keyring = await startPrivateKeyring();
  Object.assign(process.env, keyring.env);
}, 30_000);
afterAll(async () => {
  for (const key of Object.keys(keyring.env)) process.env[key] = saved[key];
  await keyring.stop();
});

describe('keytar keychain against a real Secret Service', () => {
  it('probes as available, and stores, reads and deletes under the swarmdeck service', async () => {
    const keychain = new KeytarKeychain();
    expect(await probeKeychain(keychain)).toEqual({ status: 'available' });
    await keychain.set('ssh-passphrase:ops@10.0.0.11', 'correct horse battery staple');
    expect(await keychain.get('ssh-passphrase:ops@10.0.0.11')).toBe('correct horse battery staple');
    // Another program sees it under the service name too: it really is in the keyring.
    const viaSecretTool = execFileSync('secret-tool', ['lookup', 'service', 'swarmdeck', 'account', 'ssh-passphrase:ops@10.0.0.11'], {
      env: { ...process.env, ...keyring.env },
    }).toString();
    expect(viaSecretTool).toBe('correct horse battery staple');
    expect(await keychain.delete('ssh-passphrase:ops@10.0.0.11')).toBe(true);
    expect(await keychain.get('ssh-passphrase:ops@10.0.0.11')).toBeNull();
  });

  it('leaves no probe entry behind', async () => {
    await probeKeychain(new KeytarKeychain());
    expect(await new KeytarKeychain().get('swarmdeck-keychain-probe')).toBeNull();
  });

  it('reports "unavailable" with the reason when no Secret Service answers', () => {
    const script = `
      import('${new URL('./keychain.ts', import.meta.url).pathname}').then(async ({ probeKeychain }) => {
        const { KeytarKeychain } = await import('${new URL('./keytar-keychain.ts', import.meta.url).pathname}');
        console.log(JSON.stringify(await probeKeychain(new KeytarKeychain(), 3000)));
      });`;
    const output = execFileSync('npx', ['tsx', '-e', script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      timeout: 30_000,
    }).toString();
    const state = JSON.parse(output.trim().split('\n').at(-1)!) as KeychainState;
    expect(state.status).toBe('unavailable');
    expect(state.status !== 'available' && state.reason).toBeTruthy();
  });
});

describe('SecretVault', () => {
  it('keeps a secret in memory only unless asked to remember it, then survives a new vault (a restart)', async () => {
    const keychain = new KeytarKeychain();
    const state = (): KeychainState => ({ status: 'available' });
    const vault = new SecretVault(keychain, state);
    expect(await vault.remember('pw:a', 'session-only', { persist: false })).toEqual({ persisted: false });
    expect(await vault.recall('pw:a')).toBe('session-only');
    expect(await new SecretVault(keychain, state).recall('pw:a')).toBeNull();

    expect(await vault.remember('pw:b', 'remembered', { persist: true })).toEqual({ persisted: true });
    expect(await new SecretVault(keychain, state).recall('pw:b')).toBe('remembered');
    await vault.forget('pw:b');
    expect(await new SecretVault(keychain, state).recall('pw:b')).toBeNull();
  });

  it('never persists when the keychain is not available', async () => {
    const keychain = new KeytarKeychain();
    const vault = new SecretVault(keychain, () => ({ status: 'locked', reason: 'test' }));
    expect(await vault.remember('pw:c', 'x', { persist: true })).toEqual({ persisted: false });
    expect(await keychain.get('pw:c')).toBeNull();
  });
});
