import { execFileSync } from 'node:child_process';
import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ContractEvents, HostRecord, Result } from '../../contract.js';
import { lab, type LabHost } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { memoryLogger, testCore } from '../../../test/support/core.js';
import { startPrivateKeyring, type PrivateKeyring } from '../../../test/support/private-keyring.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';
import { KeytarKeychain } from '../keychain/keytar-keychain.js';

// The whole flow through the contract, as the renderer drives it: a real core,
// a real keyring, a real sshd. The passphrase is typed once, remembered in the
// keychain, and used again by a restarted core; it is never written anywhere else.
const PASSPHRASE = 'correct horse battery staple 7f3a';

describeLab('hosts through the contract, with the keychain', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let keyring: PrivateKeyring;
  let host: LabHost;
  let keyFile: string;
  const saved = { ...process.env };
  const logger = memoryLogger();

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    keyring = await startPrivateKeyring();
    Object.assign(process.env, keyring.env);
    host = (await lab.up({ managers: 1 }))[0]!;
    keyFile = join(dir, 'id_encrypted');
    await copyFile(host.keyPath, keyFile);
    execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', PASSPHRASE, '-f', keyFile]);
  });
  afterAll(async () => {
    await lab.down();
    for (const key of Object.keys(keyring?.env ?? {})) process.env[key] = saved[key];
    await keyring?.stop();
    await cleanup();
  });

  async function start(): Promise<{ core: Core; prompts: string[] }> {
    const core = await testCore(join(dir, 'data'), logger, { keychain: new KeytarKeychain() });
    const prompts: string[] = [];
    // The renderer's part: trust the key the lab reports, type the passphrase and tick "remember".
    core.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey') {
        const prompt = payload as ContractEvents['prompt:hostKey'];
        prompts.push('hostKey');
        void core.dispatch('prompts.answerHostKey', { promptId: prompt.promptId, accept: prompt.fingerprint === host.fingerprint });
      } else if (event === 'prompt:secret') {
        const prompt = payload as ContractEvents['prompt:secret'];
        prompts.push(`secret:${prompt.kind}:${prompt.canRemember}`);
        void core.dispatch('prompts.answerSecret', { promptId: prompt.promptId, secret: PASSPHRASE, remember: true });
      }
    });
    expect(await core.dispatch('keychain.status', undefined)).toEqual({ ok: true, value: { status: 'available' } });
    return { core, prompts };
  }

  it('asks for the passphrase once, remembers it in the keychain, and a restarted core connects without asking', async () => {
    const first = await start();
    const saved = (await first.core.dispatch('hosts.save', {
      alias: host.name,
      address: host.address,
      port: host.port,
      user: host.user,
      auth: ['key'],
      identityFile: keyFile,
      jump: [],
      tags: [],
    })) as Result<HostRecord>;
    if (!saved.ok) throw new Error(saved.error.message);
    const tested = await first.core.dispatch('hosts.test', { id: saved.value.id });
    expect(tested).toMatchObject({ ok: true, value: { authMethod: 'key', fingerprint: host.fingerprint, dockerError: null } });
    expect(first.prompts).toEqual(['hostKey', 'secret:passphrase:true']);

    const second = await start();
    expect(await second.core.dispatch('hosts.test', { id: saved.value.id })).toMatchObject({ ok: true, value: { authMethod: 'key' } });
    expect(second.prompts).toEqual([]);
  });

  it('wrote the passphrase nowhere but the keychain', async () => {
    const files = await readdir(join(dir, 'data'), { recursive: true });
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = await readFile(join(dir, 'data', file), 'utf8').catch(() => '');
      expect(text, file).not.toContain(PASSPHRASE);
    }
    expect(logger.lines.join('\n')).not.toContain(PASSPHRASE);
    expect(await new KeytarKeychain().get(`ssh-passphrase:${keyFile}`)).toBe(PASSPHRASE);
  });
});
