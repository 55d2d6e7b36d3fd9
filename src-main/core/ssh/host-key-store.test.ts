import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { hostKeyFrom, type HostKey } from './host-key.js';
import { HostKeyStore } from './host-key-store.js';

// Keys and fingerprints come from the real ssh-keygen, so our reading of the
// format is checked against OpenSSH itself, not against our own idea of it.
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
afterEach(() => cleanup());

function newKey(type: 'ed25519' | 'ecdsa' | 'rsa', name: string): { key: HostKey; publicLine: string; sshKeygenFingerprint: string } {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path, ...(type === 'rsa' ? ['-b', '2048'] : [])]);
  const publicLine = execFileSync('cat', [`${path}.pub`])
    .toString()
    .trim();
  const sshKeygenFingerprint = execFileSync('ssh-keygen', ['-lf', `${path}.pub`])
    .toString()
    .split(' ')[1]!;
  return { key: hostKeyFrom(Buffer.from(publicLine.split(' ')[1]!, 'base64')), publicLine, sshKeygenFingerprint };
}

describe('host keys', () => {
  it.each(['ed25519', 'ecdsa', 'rsa'] as const)('reads the type and the SHA256 fingerprint of an %s key as ssh-keygen -lf does', (type) => {
    const { key, publicLine, sshKeygenFingerprint } = newKey(type, `k-${type}`);
    expect(key.fingerprint).toBe(sshKeygenFingerprint);
    expect(key.type).toBe(publicLine.split(' ')[0]);
  });
});

describe('HostKeyStore', () => {
  it('an unknown host becomes known once trusted; the file is hashed and ssh-keygen -F finds it', async () => {
    const { key } = newKey('ed25519', 'a');
    const appFile = join(dir, 'known_hosts');
    const store = new HostKeyStore({ appFile, userFiles: [] });
    expect(await store.verify('10.0.0.11', 22, key)).toEqual({ status: 'unknown' });
    await store.trust('10.0.0.11', 22, key);
    await store.trust('10.0.0.12', 2222, key);
    expect(await store.verify('10.0.0.11', 22, key)).toEqual({ status: 'known' });
    expect(await store.verify('10.0.0.12', 2222, key)).toEqual({ status: 'known' });
    expect(await store.verify('10.0.0.12', 22, key)).toEqual({ status: 'unknown' });
    const text = await readFile(appFile, 'utf8');
    expect(text).not.toContain('10.0.0.11');
    expect(execFileSync('ssh-keygen', ['-F', '10.0.0.11', '-f', appFile]).toString()).toContain(key.blob.toString('base64'));
    expect(execFileSync('ssh-keygen', ['-F', '[10.0.0.12]:2222', '-f', appFile]).toString()).toContain(key.blob.toString('base64'));
  });

  it('a different key for a known host is "changed", naming the old fingerprint, and trust refuses it', async () => {
    const old = newKey('ed25519', 'old');
    const rotated = newKey('ed25519', 'new');
    const store = new HostKeyStore({ appFile: join(dir, 'known_hosts'), userFiles: [] });
    await store.trust('manager-1', 22, old.key);
    expect(await store.verify('manager-1', 22, rotated.key)).toEqual({ status: 'changed', knownFingerprints: [old.sshKeygenFingerprint] });
    await expect(store.trust('manager-1', 22, rotated.key)).rejects.toMatchObject({ code: 'HOST_KEY_CHANGED' });
    expect(await store.forget('manager-1', 22)).toEqual({ removed: 1, remainingInUserFiles: 0 });
    await store.trust('manager-1', 22, rotated.key);
    expect(await store.verify('manager-1', 22, rotated.key)).toEqual({ status: 'known' });
  });

  it('reads the operator’s known_hosts (plain, patterns, hashed by ssh-keygen -H) without writing to it', async () => {
    const a = newKey('ecdsa', 'ua');
    const b = newKey('ed25519', 'ub');
    const c = newKey('rsa', 'uc');
    const userFile = join(dir, 'user_known_hosts');
    const content = [
      '# operator file',
      `web-*.example.com,!web-9.example.com ${a.publicLine}`,
      `[bastion.example.com]:2200 ${b.publicLine}`,
      `db-1.example.com ${c.publicLine}`,
      '',
    ].join('\n');
    await writeFile(userFile, content);
    const store = new HostKeyStore({ appFile: join(dir, 'known_hosts'), userFiles: [userFile] });
    expect(await store.verify('web-1.example.com', 22, a.key)).toEqual({ status: 'known' });
    expect(await store.verify('web-9.example.com', 22, a.key)).toEqual({ status: 'unknown' });
    expect(await store.verify('bastion.example.com', 2200, b.key)).toEqual({ status: 'known' });
    expect(await store.verify('bastion.example.com', 22, b.key)).toEqual({ status: 'unknown' });

    execFileSync('ssh-keygen', ['-H', '-f', userFile], { stdio: 'ignore' });
    expect(await readFile(userFile, 'utf8')).not.toContain('db-1.example.com');
    expect(await store.verify('db-1.example.com', 22, c.key)).toEqual({ status: 'known' });
    expect(await store.verify('db-1.example.com', 22, a.key)).toMatchObject({ status: 'changed' });

    const before = await readFile(userFile, 'utf8');
    expect(await store.forget('db-1.example.com', 22)).toEqual({ removed: 0, remainingInUserFiles: 1 });
    expect(await readFile(userFile, 'utf8')).toBe(before);
  });

  it('refuses a key marked @revoked even for a host that lists it', async () => {
    const a = newKey('ed25519', 'r');
    const userFile = join(dir, 'user_known_hosts');
    await writeFile(userFile, `@revoked * ${a.publicLine}\nhost-1 ${a.publicLine}\n`);
    const store = new HostKeyStore({ appFile: join(dir, 'known_hosts'), userFiles: [userFile] });
    expect(await store.verify('host-1', 22, a.key)).toEqual({ status: 'revoked' });
  });
});
