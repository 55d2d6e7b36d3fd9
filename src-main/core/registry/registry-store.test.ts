import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { RegistryStore, type RegistryRecord } from './registry-store.js';

const record: RegistryRecord = {
  config: {
    nodeId: 'n1',
    port: 5000,
    publish: 'host',
    image: 'registry:2',
    mode: 'tls',
    address: '10.0.0.5',
    username: 'deploy',
    acknowledgeInsecure: false,
    network: null,
  },
  endpoint: '10.0.0.5:5000',
  deployedAt: '2026-01-01T00:00:00.000Z',
  verifiedAt: null,
  caCertPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
  certificateExpires: '2028-01-01T00:00:00.000Z',
  caHosts: ['manager1'],
};

describe('registry store', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await makeTempDir()));
  afterEach(() => cleanup());

  it('keeps each cluster’s registry across a restart, in a 0600 file', async () => {
    const store = new RegistryStore(dir);
    await store.load();
    expect(store.get('c1')).toBeNull();
    await store.put('c1', record);
    const again = new RegistryStore(dir);
    await again.load();
    expect(again.get('c1')).toEqual(record);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await readFile(store.path, 'utf8')).not.toMatch(/PRIVATE KEY/);
  });

  it('sets an unreadable file aside instead of overwriting it', async () => {
    const store = new RegistryStore(dir);
    await writeFile(store.path, '{"schemaVersion":9}');
    await store.load();
    expect(store.get('c1')).toBeNull();
    expect((await readdir(dir)).some((f) => f.startsWith('registry.json.corrupt-'))).toBe(true);
  });
});
