import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core/create-core.js';
import { testCore } from '../../test/support/core.js';
import { inProcessBridge } from '../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../test/support/temp-dir.js';
import App from './App.svelte';

let core: Core;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const temp = await makeTempDir();
  cleanup = temp.cleanup;
  core = await testCore(temp.dir);
  window.swarmdeck = inProcessBridge(core);
  render(App);
});
afterAll(() => cleanup());

describe('the app shell against a real core', () => {
  it('shows the sidebar and the empty state that says what to do next', async () => {
    expect(await screen.findByRole('heading', { name: 'No clusters yet' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    for (const name of ['Clusters', 'New swarm', 'Hosts', 'Settings']) expect(within(nav).getByRole('link', { name })).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Clusters' })).toHaveAttribute('aria-current', 'page');
  });

  it('leads "Set up a new swarm" to the guided setup and "Connect an existing swarm" to discovery', async () => {
    await fireEvent.click(screen.getAllByRole('button', { name: 'Set up a new swarm' })[0]!);
    const steps = await screen.findByRole('navigation', { name: 'Setup steps' });
    expect(within(steps).getByText('Hosts').closest('[aria-current]')).toHaveAttribute('aria-current', 'step');
    expect(screen.getByRole('textbox', { name: 'Cluster name' })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('link', { name: 'Clusters' }));
    await fireEvent.click((await screen.findAllByRole('button', { name: 'Connect an existing swarm' }))[0]!);
    expect(await screen.findByRole('combobox', { name: 'Manager host' })).toBeInTheDocument();

    await core.dispatch('clusters.create', { name: 'production', hosts: ['ops@10.0.0.11', 'ops@10.0.0.12:2222'] });
    await fireEvent.click(screen.getByRole('link', { name: 'Clusters' }));
    const card = await screen.findByRole('article', { name: 'production' });
    expect(within(card).getByText('2 hosts', { exact: false })).toBeInTheDocument();
    expect(within(card).getByText('ops@10.0.0.12:2222')).toBeInTheDocument();
  });

  it('follows changes made elsewhere through the core’s events', async () => {
    await core.dispatch('clusters.create', { name: 'staging' });
    expect(await screen.findByRole('article', { name: 'staging' })).toBeInTheDocument();
    expect(screen.getByText('2 cluster profiles')).toBeInTheDocument();
  });

  it('switches to Spanish without a restart when the setting changes', async () => {
    await core.dispatch('settings.update', { locale: 'es' });
    expect(await screen.findByRole('link', { name: 'Clústeres' })).toBeInTheDocument();
    expect(screen.getByText('2 perfiles de clúster')).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('es');
    await core.dispatch('settings.update', { locale: 'en' });
    expect(await screen.findByRole('link', { name: 'Clusters' })).toBeInTheDocument();
  });

  it('saves a host with the login methods in the order the operator set', async () => {
    await fireEvent.click(screen.getByRole('link', { name: 'Hosts' }));
    await fireEvent.click((await screen.findAllByRole('button', { name: 'Add host' }))[0]!);
    const form = screen.getByRole('form', { name: 'Add host' });
    await fireEvent.input(within(form).getByRole('textbox', { name: 'Name' }), { target: { value: 'manager-1' } });
    await fireEvent.input(within(form).getByRole('textbox', { name: 'Address' }), { target: { value: '10.0.0.11' } });
    await fireEvent.input(within(form).getByRole('textbox', { name: 'User' }), { target: { value: 'ops' } });
    await fireEvent.click(within(form).getByRole('checkbox', { name: 'ssh-agent' }));
    await fireEvent.click(within(form).getByRole('button', { name: 'Try password earlier' }));
    await fireEvent.click(within(form).getByRole('button', { name: 'Try password earlier' }));
    await fireEvent.click(within(form).getByRole('button', { name: 'Save host' }));
    expect(await screen.findByRole('row', { name: 'manager-1' })).toBeInTheDocument();
    expect(await core.dispatch('hosts.list', undefined)).toMatchObject({
      ok: true,
      value: [{ alias: 'manager-1', auth: ['password', 'key'] }],
    });
  });
});
