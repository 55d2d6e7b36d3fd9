import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConnection, ClusterProfile } from '../../../src-main/contract.js';
import type { Core } from '../../../src-main/core/create-core.js';
import { testCore } from '../../../test/support/core.js';
import { inProcessBridge } from '../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import ClusterCard from './ClusterCard.svelte';

// A real core for everything but `clusters.connect`, which needs a running swarm (the lab
// tests reach one); here it answers as it does after unlocking two autolocked managers.
let core: Core;
let cleanup: () => Promise<void>;
let cluster: ClusterProfile;

beforeAll(async () => {
  const temp = await makeTempDir();
  cleanup = temp.cleanup;
  core = await testCore(temp.dir);
  const created = await core.dispatch('clusters.create', { name: 'production', hosts: ['m1', 'm2', 'm3'] });
  if (!created.ok) throw new Error(created.error.message);
  cluster = created.value as ClusterProfile;
  const bridge = inProcessBridge(core);
  const connection: ClusterConnection = { manager: 'm1', nodes: 5, managers: 3, unlocked: ['m2', 'm3'] };
  bridge.api.clusters.connect = () => Promise.resolve({ ok: true, value: connection });
  window.swarmdeck = bridge;
});
afterAll(() => cleanup());

describe('a cluster card', () => {
  it('says which managers were unlocked with the key from the keychain', async () => {
    render(ClusterCard, { cluster });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(await screen.findByText('Through m1: 5 nodes, 3 managers')).toBeInTheDocument();
    expect(screen.getByText(/^Unlocked: m2, m3\./)).toBeInTheDocument();
  });
});
