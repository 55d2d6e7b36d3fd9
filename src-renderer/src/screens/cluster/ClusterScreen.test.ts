import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterProfile } from '../../../../src-main/contract.js';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import App from '../../App.svelte';

// The route and the screen against a real core. The profile's hosts are not in Hosts, so the
// core cannot reach a swarm and says why; the live map itself is covered with synthetic models.
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
  window.swarmdeck = inProcessBridge(core);
  location.hash = '#/clusters';
  render(App);
  await screen.findByRole('article', { name: 'production' });
});
afterAll(() => cleanup());

describe('the cluster screen', () => {
  it('opens from the cluster card, and says why the swarm cannot be read', async () => {
    await fireEvent.click(screen.getByRole('button', { name: 'Open production' }));
    expect(location.hash).toBe(`#/cluster/${cluster.id}`);
    const heading = await screen.findByRole('heading', { level: 1, name: 'production' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(await screen.findByText(/^The swarm could not be read\. Add these to Hosts first.*m1, m2, m3\.$/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Clusters' })).toHaveAttribute('aria-current', 'location');
  });

  it('follows the address bar, and says so when the cluster is not there', async () => {
    location.hash = '#/cluster/no-such-cluster';
    expect(await screen.findByRole('heading', { level: 1, name: 'Cluster not found' })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Back to clusters' }));
    expect(await screen.findByRole('article', { name: 'production' })).toBeInTheDocument();
    expect(location.hash).toBe('#/clusters');
  });
});
