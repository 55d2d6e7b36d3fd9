import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterProfile, ContractEvents } from '../../contract.js';
import { testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

let dir: string;
let cleanup: () => Promise<void>;
let core: Core;
let changes: ContractEvents['clusters:changed'][];

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  core = await testCore(dir);
  changes = [];
  core.events.subscribe((event, payload) => {
    if (event === 'clusters:changed') changes.push(payload as ContractEvents['clusters:changed']);
  });
});
afterEach(() => cleanup());

async function call<T>(method: string, input?: unknown): Promise<T> {
  const result = await core.dispatch(method, input);
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as T;
}

describe('cluster profiles', () => {
  it('creates, renames and removes a profile, persisting each step and announcing it', async () => {
    const created = await call<ClusterProfile>('clusters.create', {
      name: ' production ',
      hosts: ['ops@10.0.0.11', 'manager-2'],
      notes: 'eu-west',
    });
    expect(created).toMatchObject({ name: 'production', hosts: ['ops@10.0.0.11', 'manager-2'], notes: 'eu-west' });
    expect(changes.at(-1)?.clusters.map((c) => c.name)).toEqual(['production']);

    await call('clusters.rename', { id: created.id, name: 'prod-eu' });
    const reopened = await testCore(dir);
    const list = await reopened.dispatch('clusters.list', undefined);
    expect(list).toMatchObject({ ok: true, value: [{ id: created.id, name: 'prod-eu', hosts: ['ops@10.0.0.11', 'manager-2'] }] });

    await call('clusters.remove', { id: created.id });
    expect(changes.at(-1)?.clusters).toEqual([]);
    expect(await (await testCore(dir)).dispatch('clusters.list', undefined)).toEqual({ ok: true, value: [] });
  });

  it('refuses a second profile with the same name, whatever the case', async () => {
    await call('clusters.create', { name: 'Production' });
    await expect(call('clusters.create', { name: 'production' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const other = await call<ClusterProfile>('clusters.create', { name: 'staging' });
    await expect(call('clusters.rename', { id: other.id, name: 'PRODUCTION' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await call<ClusterProfile[]>('clusters.list')).map((c) => c.name)).toEqual(['Production', 'staging']);
  });

  it('answers NOT_FOUND for an id that does not exist, and changes nothing', async () => {
    await call('clusters.create', { name: 'one' });
    changes = [];
    await expect(call('clusters.remove', { id: 'no-such-id' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('clusters.rename', { id: 'no-such-id', name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(changes).toEqual([]);
    expect(await call<ClusterProfile[]>('clusters.list')).toHaveLength(1);
  });
});

describe('settings', () => {
  it('updates only the keys given and persists them', async () => {
    expect(await call('settings.get')).toEqual({ theme: 'system', locale: 'system' });
    expect(await call('settings.update', { locale: 'es' })).toEqual({ theme: 'system', locale: 'es' });
    expect(await call('settings.update', { theme: 'dark' })).toEqual({ theme: 'dark', locale: 'es' });
    expect(await (await testCore(dir)).dispatch('settings.get', undefined)).toEqual({ ok: true, value: { theme: 'dark', locale: 'es' } });
  });

  it('refuses an unknown theme or key', async () => {
    await expect(call('settings.update', { theme: 'sepia' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(call('settings.update', { sshPassword: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('app.info', () => {
  it('reports version, platform, data folder and mode', async () => {
    expect(await call('app.info')).toMatchObject({
      name: 'Swarmdeck',
      version: '0.0.0-test',
      platform: process.platform,
      dataDir: dir,
      mode: 'web',
      notices: [],
    });
  });
});
