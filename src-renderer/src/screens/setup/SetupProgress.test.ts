import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import App from '../../App.svelte';
import { discardSetupWizard, setupWizard } from '../../lib/setup-wizard.svelte.js';

// Preflight, the run and the summary against a real core whose hosts cannot be reached:
// what a first-timer sees when SSH fails. A passing preflight and a real build need real
// hosts (the lab); the steps after a failed preflight are reached here by moving the wizard.
let core: Core;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const temp = await makeTempDir();
  cleanup = temp.cleanup;
  core = await testCore(temp.dir);
  for (const [i, alias] of ['m1', 'm2', 'm3'].entries()) {
    await core.dispatch('hosts.save', {
      alias,
      address: `127.0.0.${i + 1}`,
      port: 1,
      user: 'ops',
      auth: ['password'],
      identityFile: null,
      jump: [],
      tags: [],
    });
  }
  window.swarmdeck = inProcessBridge(core);
  render(App);
  await screen.findByRole('heading', { name: 'No clusters yet' });
});
afterAll(() => cleanup());

async function openAt(step: 'preflight' | 'review' | 'run'): Promise<ReturnType<typeof setupWizard>> {
  await fireEvent.click(screen.getByRole('link', { name: 'Clusters' }));
  await screen.findByRole('heading', { level: 1, name: 'Clusters' });
  discardSetupWizard();
  const wizard = setupWizard();
  wizard.plan.name = 'production';
  for (const alias of ['m1', 'm2', 'm3']) wizard.toggleHost(alias, true, ['m1', 'm2', 'm3']);
  wizard.plan.networks[0]!.name = 'backend';
  wizard.goTo(step);
  await fireEvent.click(screen.getByRole('link', { name: 'New swarm' }));
  await screen.findByRole('navigation', { name: 'Setup steps' });
  return wizard;
}

describe('the guided setup, checks and build', () => {
  it('lists the preflight checks per host as they come, with what failed, and holds Next', async () => {
    await openAt('preflight');
    const next = screen.getByRole('button', { name: 'Next' });
    expect(next).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(screen.getByRole('button', { name: 'Run preflight' }));
    expect(await screen.findByText('Checking the hosts…')).toBeInTheDocument();
    // Each line is pushed by the core as soon as it is known, grouped under its host.
    for (const alias of ['m1', 'm2', 'm3']) {
      const region = await screen.findByRole('region', { name: alias }, { timeout: 15_000 });
      expect(
        await within(region).findByText(
          `Could not connect: ${alias} refused the connection. Is sshd running on that port?`,
          {},
          { timeout: 15_000 },
        ),
      ).toBeInTheDocument();
      expect(within(region).getByText('Failed:')).toBeInTheDocument();
    }
    expect(next).toHaveAttribute('aria-disabled', 'true');
    // Going back to fix the plan stays possible while the core finishes.
    expect(screen.getByRole('button', { name: 'Back' })).toBeEnabled();
  }, 30_000);

  it('reviews the plan, then shows the build starting with no way back', async () => {
    const wizard = await openAt('review');
    expect(await screen.findByRole('heading', { level: 2, name: 'Review what will run' })).toBeInTheDocument();
    const summary = screen.getByRole('region', { name: 'Plan summary' });
    expect(within(summary).getByText('production')).toBeInTheDocument();
    expect(within(summary).getByText('3 managers · 1 failure tolerated')).toBeInTheDocument();
    expect(within(summary).getByText('Networks: backend')).toBeInTheDocument();
    expect(screen.getByText('Working out the operations…')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Build the swarm' })).toBeDisabled();

    void wizard.build();
    expect(await screen.findByRole('heading', { level: 2, name: 'Building the swarm' })).toBeInTheDocument();
    expect(screen.getByText('Starting…')).toBeInTheDocument();
    expect(screen.getByRole('log', { name: 'Log' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Back' })).not.toBeInTheDocument();
    const steps = screen.getByRole('navigation', { name: 'Setup steps' });
    expect(within(steps).queryByRole('button')).not.toBeInTheDocument();
  }, 30_000);

  it('shows the summary and asks the core for the unlock key once', async () => {
    const wizard = await openAt('run');
    wizard.bootstrap.outcome = {
      runId: 'abcdef12-3456',
      state: 'done',
      clusterId: null,
      unlockKeyReady: true,
      summary: { nodes: 3, managers: 3, leader: 'm1', networks: ['backend'] },
    };
    wizard.bootstrap.state = 'done';
    const heading = await screen.findByRole('heading', { level: 2, name: 'Swarm ready' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(screen.queryByRole('button', { name: 'Back' })).not.toBeInTheDocument();
    expect(screen.getByText('backend')).toBeInTheDocument();
    // This run was never made by this core, so the key is "gone": said, and not asked again.
    await fireEvent.click(screen.getByRole('button', { name: 'Show unlock key' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The unlock key is shown only once');
    expect(screen.queryByRole('button', { name: 'Show unlock key' })).not.toBeInTheDocument();

    await fireEvent.click(screen.getByRole('button', { name: 'Open cluster' }));
    await screen.findByRole('heading', { level: 1, name: 'Clusters' });
    // A finished wizard is not kept: the next visit starts afresh.
    expect(setupWizard()).not.toBe(wizard);
  }, 200_000);
});
