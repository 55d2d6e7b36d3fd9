import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/create-core.js';
import { testCore } from '../../../test/support/core.js';
import { inProcessBridge } from '../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import App from '../App.svelte';

// "Connect an existing swarm" against a real core. The saved manager points at a closed port,
// so discovery fails the way an unreachable host does; reading a real swarm is a lab test.
let core: Core;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const temp = await makeTempDir();
  cleanup = temp.cleanup;
  core = await testCore(temp.dir);
  await core.dispatch('hosts.save', {
    alias: 'mgr-1',
    address: '127.0.0.1',
    port: 1,
    user: 'ops',
    auth: ['password'],
    identityFile: null,
    jump: [],
    tags: [],
  });
  window.swarmdeck = inProcessBridge(core);
  render(App);
  await screen.findByRole('heading', { name: 'No clusters yet' });
});
afterAll(() => cleanup());

describe('connect an existing swarm', () => {
  it('says what is missing, then shows why discovery failed, and saves nothing', async () => {
    await fireEvent.click(screen.getAllByRole('button', { name: 'Connect an existing swarm' })[0]!);
    await screen.findByRole('heading', { level: 1, name: 'Connect an existing swarm' });
    const manager = screen.getByRole('combobox', { name: 'Manager host' });
    expect(within(manager).getByRole('option', { name: 'mgr-1' })).toBeInTheDocument();

    await fireEvent.click(screen.getByRole('button', { name: 'Save cluster' }));
    expect(await screen.findByText('Give the cluster a name.')).toBeInTheDocument();
    expect(screen.getByText('Choose the manager host to read the swarm from.')).toBeInTheDocument();
    expect(manager).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('textbox', { name: 'Cluster name' })).toHaveAttribute('aria-invalid', 'true');

    await fireEvent.input(screen.getByRole('textbox', { name: 'Cluster name' }), { target: { value: 'production' } });
    await fireEvent.change(manager, { target: { value: 'mgr-1' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save cluster' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Discover the swarm first.');

    await fireEvent.click(screen.getByRole('button', { name: 'Discover' }));
    expect(
      await screen.findByText('ops@127.0.0.1:1 refused the connection. Is sshd running on that port?', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(await core.dispatch('clusters.list', undefined)).toEqual({ ok: true, value: [] });
  }, 20_000);
});
