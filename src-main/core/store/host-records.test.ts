import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostInput, HostRecord } from '../../contract.js';
import { testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

let dir: string;
let cleanup: () => Promise<void>;
let core: Core;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  core = await testCore(dir);
});
afterEach(() => cleanup());

const base: HostInput = {
  alias: 'manager-1',
  address: '10.0.0.11',
  port: 22,
  user: 'ops',
  auth: ['agent', 'key'],
  identityFile: '~/.ssh/id_ed25519',
  jump: [],
  tags: [],
};

async function save(
  input: Partial<HostInput>,
): Promise<{ ok: boolean; value?: HostRecord; error?: { code: string; issues?: { path: string; code: string }[] } }> {
  return (await core.dispatch('hosts.save', { ...base, ...input })) as never;
}

describe('host records', () => {
  it('saves, updates, lists and removes a host, persisting it', async () => {
    const created = await save({});
    expect(created).toMatchObject({ ok: true, value: { alias: 'manager-1' } });
    const id = created.value!.id;
    await save({ id, port: 2222 });
    const reopened = await testCore(dir);
    expect(await reopened.dispatch('hosts.list', undefined)).toMatchObject({ ok: true, value: [{ id, port: 2222 }] });
    expect(await core.dispatch('hosts.remove', { id })).toEqual({ ok: true, value: undefined });
    expect(await core.dispatch('hosts.list', undefined)).toEqual({ ok: true, value: [] });
  });

  it.each([
    [{ address: '-oProxyCommand=touch /tmp/x' }, 'address', 'ADDRESS_INVALID'],
    [{ address: 'host name' }, 'address', 'ADDRESS_INVALID'],
    [{ address: 'host\nname' }, 'address', 'ADDRESS_INVALID'],
    [{ user: '-l' }, 'user', 'USER_INVALID'],
    [{ port: 0 }, 'port', 'PORT_OUT_OF_RANGE'],
    [{ port: 65536 }, 'port', 'PORT_OUT_OF_RANGE'],
    [{ port: 22.5 }, 'port', 'PORT_OUT_OF_RANGE'],
    [{ alias: '-x' }, 'alias', 'ALIAS_INVALID'],
    [{ identityFile: 'id_rsa' }, 'identityFile', 'KEY_PATH_INVALID'],
    [{ auth: [] }, 'auth', 'AUTH_EMPTY'],
    [{ auth: ['key', 'key'] }, 'auth', 'AUTH_DUPLICATE'],
    [{ jump: ['manager-1'] }, 'jump', 'JUMP_SELF'],
  ])('refuses %j with %s: %s', async (input, path, code) => {
    const result = await save(input as Partial<HostInput>);
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('INVALID_ARGUMENT');
    expect(result.error?.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path, code })]));
    expect(await core.dispatch('hosts.list', undefined)).toEqual({ ok: true, value: [] });
  });

  it('refuses a second host with the same alias, a jump through an unknown host, and removing a host others jump through', async () => {
    const bastion = (await save({ alias: 'bastion', address: '203.0.113.10' })).value!;
    expect((await save({ alias: 'BASTION' })).error?.code).toBe('CONFLICT');
    expect((await save({ jump: ['nowhere'] })).error?.code).toBe('NOT_FOUND');
    expect((await save({ jump: ['bastion'] })).ok).toBe(true);
    expect(await core.dispatch('hosts.remove', { id: bastion.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', params: { name: 'manager-1' } },
    });
  });

  it('answers an expired or unknown prompt with PROMPT_EXPIRED', async () => {
    expect(await core.dispatch('prompts.answerHostKey', { promptId: '00000000-0000-0000-0000-000000000000', accept: true })).toMatchObject({
      ok: false,
      error: { code: 'PROMPT_EXPIRED' },
    });
  });
});
