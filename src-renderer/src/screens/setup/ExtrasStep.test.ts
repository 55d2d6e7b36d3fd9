import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwarmPlan } from '../../../../src-main/contract.js';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import App from '../../App.svelte';
import { discardSetupWizard, setupWizard } from '../../lib/setup-wizard.svelte.js';

// The Production step against a real core: its findings come from the core's plan validation.
// Every call the renderer makes is recorded on its way (the bridge is the real one), so the tests
// can say what left the renderer, and that the registry password never went with a plan.
let core: Core;
let cleanup: () => Promise<void>;
const HOSTS = ['m1', 'm2', 'm3', 'm4'];
const PASSWORD = 'correct-horse-battery';
const sent: { method: string; input: unknown }[] = [];

beforeAll(async () => {
  const temp = await makeTempDir();
  cleanup = temp.cleanup;
  core = await testCore(temp.dir);
  for (const [i, alias] of HOSTS.entries()) {
    const saved = await core.dispatch('hosts.save', {
      alias,
      address: `127.0.0.${i + 1}`,
      port: 1,
      user: 'ops',
      auth: ['password'],
      identityFile: null,
      jump: [],
      tags: [],
    });
    expect(saved.ok).toBe(true);
  }
  const bridge = inProcessBridge(core);
  const setup = bridge.api.setup as unknown as Record<string, (input: unknown) => Promise<unknown>>;
  for (const [method, call] of Object.entries(setup)) {
    setup[method] = (input: unknown) => {
      sent.push({ method, input: structuredClone(input) });
      return call(input);
    };
  }
  window.swarmdeck = bridge;
  render(App);
  await screen.findByRole('heading', { name: 'No clusters yet' });
});
afterAll(() => cleanup());

const next = () => screen.getByRole('button', { name: 'Next' });
const checkbox = (name: string | RegExp) => screen.getByRole('checkbox', { name });
const textbox = (name: string | RegExp) => screen.getByRole('textbox', { name });

async function goNext(heading: string): Promise<void> {
  await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));
  await fireEvent.click(next());
  await screen.findByRole('heading', { level: 2, name: heading });
}

/** A fresh wizard with these hosts (the first three managers), one network, up to the Production step. */
async function openProduction(aliases: string[]): Promise<void> {
  await fireEvent.click(screen.getByRole('link', { name: 'Clusters' }));
  await screen.findByRole('heading', { level: 1, name: 'Clusters' });
  discardSetupWizard();
  await fireEvent.click(screen.getByRole('link', { name: 'New swarm' }));
  await fireEvent.input(await screen.findByRole('textbox', { name: 'Cluster name' }), { target: { value: 'production' } });
  for (const alias of aliases) await fireEvent.click(checkbox(alias));
  await goNext('Choose each host’s role');
  await goNext('Plan the overlay network');
  await fireEvent.input(textbox('Network name'), { target: { value: 'backend' } });
  await goNext('Choose the swarm options');
  await goNext('Add production services');
}

/** The plan the core was last asked to check. */
async function lastValidated(): Promise<SwarmPlan> {
  await setupWizard().validateNow();
  const call = sent.filter((c) => c.method === 'validate').at(-1);
  return (call?.input as { plan: SwarmPlan }).plan;
}

describe('the Production step', () => {
  it('is all optional: each part is off until ticked, and Next skips it', async () => {
    await openProduction(['m1', 'm2', 'm3']);
    expect(screen.getByText('Nothing here is required. Press Next to skip.')).toBeInTheDocument();
    for (const part of ['Private registry', 'Routine backups', 'Edge target list']) expect(checkbox(part)).not.toBeChecked();
    expect(screen.queryByRole('textbox', { name: 'Image' })).not.toBeInTheDocument();
    expect((await lastValidated()).extras ?? { registry: null, backups: null, edge: null }).toEqual({
      registry: null,
      backups: null,
      edge: null,
    });
    await goNext('Check the hosts');
  }, 30_000);

  it('ticking each part puts it in the plan; the file keeps it, without the password, and brings it back', async () => {
    await openProduction(['m1', 'm2', 'm3', 'm4']);
    await fireEvent.click(checkbox('Private registry'));
    expect(screen.getByRole('combobox', { name: 'Host' })).toHaveValue('m1');
    expect(textbox('Port')).toHaveValue('5000');
    expect(textbox('Image')).toHaveValue('registry:2');
    expect(screen.getByRole('radio', { name: /TLS with a certificate made by Swarmdeck/ })).toBeChecked();
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
    await fireEvent.change(screen.getByRole('combobox', { name: 'Host' }), { target: { value: 'm4' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Overlay network (optional)' }), { target: { value: 'backend' } });
    await fireEvent.input(textbox('Username (optional)'), { target: { value: 'ci' } });
    const password = screen.getByLabelText('Password');
    expect(password).toHaveAccessibleDescription(/Kept in the keychain, not in the plan file/);
    // A login without its password holds Next.
    await waitFor(() =>
      expect(next()).toHaveAccessibleDescription('Type the registry password (at least 8 characters), or clear the username, to continue.'),
    );
    await fireEvent.input(password, { target: { value: PASSWORD } });

    await fireEvent.click(checkbox('Routine backups'));
    expect(textbox('Hours between backups')).toHaveValue('24');
    expect(textbox('Backups to keep')).toHaveValue('7');
    expect(checkbox('Take the first backup at the end of the build')).toBeChecked();
    await fireEvent.input(textbox('Backups to keep'), { target: { value: '14' } });

    await fireEvent.click(checkbox('Edge target list'));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Format' }), { target: { value: 'haproxy' } });
    await fireEvent.input(textbox('Backend name'), { target: { value: 'web' } });
    await fireEvent.input(textbox('File path'), { target: { value: '/etc/haproxy/swarm.cfg' } });

    expect((await lastValidated()).extras).toEqual({
      registry: {
        host: 'm4',
        port: 5000,
        publish: 'host',
        image: 'registry:2',
        mode: 'tls',
        address: null,
        username: 'ci',
        acknowledgeInsecure: false,
        network: 'backend',
      },
      backups: { everyHours: 24, keep: 14, firstNow: true },
      edge: { port: 80, label: null, format: 'haproxy', name: 'web', output: { kind: 'file', path: '/etc/haproxy/swarm.cfg' } },
    });
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));

    // The plan file, as the Hosts step's Export asks the core for it.
    const yaml = await setupWizard().exportPlan();
    const exported = sent.filter((c) => c.method === 'exportPlan').at(-1)?.input as { plan: SwarmPlan };
    expect(yaml).toContain('registry:2');
    expect(yaml).toContain('/etc/haproxy/swarm.cfg');
    expect(exported.plan.extras?.registry?.username).toBe('ci');
    // Whatever left the renderer with a plan, the password was not in it.
    expect(sent.filter((c) => c.method !== 'run').every((c) => !JSON.stringify(c.input).includes(PASSWORD))).toBe(true);

    // A fresh wizard, and the file brings the production steps back.
    await fireEvent.click(screen.getByRole('link', { name: 'Clusters' }));
    await screen.findByRole('heading', { level: 1, name: 'Clusters' });
    discardSetupWizard();
    await fireEvent.click(screen.getByRole('link', { name: 'New swarm' }));
    const input = await screen.findByLabelText('Import plan file');
    await fireEvent.change(input, { target: { files: [new File([yaml], 'production.swarm-plan.yaml')] } });
    await screen.findByText(/Imported the plan “production”/);
    await goNext('Choose each host’s role');
    await goNext('Plan the overlay network');
    await goNext('Choose the swarm options');
    await goNext('Add production services');
    expect(checkbox('Private registry')).toBeChecked();
    expect(screen.getByRole('combobox', { name: 'Host' })).toHaveValue('m4');
    expect(textbox('Username (optional)')).toHaveValue('ci');
    // The password is not in the file: it is asked for again.
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(textbox('Backups to keep')).toHaveValue('14');
    expect(textbox('Backend name')).toHaveValue('web');
    expect(textbox('File path')).toHaveValue('/etc/haproxy/swarm.cfg');
  }, 60_000);

  it('without TLS, hides the login, says the risk and holds Next until it is acknowledged', async () => {
    await openProduction(['m1', 'm2', 'm3']);
    await fireEvent.click(checkbox('Private registry'));
    await fireEvent.input(textbox('Username (optional)'), { target: { value: 'ci' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: PASSWORD } });
    await fireEvent.click(screen.getByRole('radio', { name: 'Private network, no TLS' }));

    expect(screen.queryByRole('textbox', { name: 'Username (optional)' })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
    expect(screen.getByText('No login without TLS: Docker sends no password over plain HTTP.')).toBeInTheDocument();
    expect(screen.getByText(/anyone on the network path between a node and the registry can read your images/)).toBeInTheDocument();
    expect(await screen.findByText('A registry without TLS is not recommended.')).toBeInTheDocument();
    const unacknowledged = 'Without TLS, confirm that the registry is reachable only on a private network you control.';
    expect(await screen.findByText(unacknowledged)).toBeInTheDocument();
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'true'));
    expect((await lastValidated()).extras?.registry).toMatchObject({ mode: 'insecure', username: null });
    expect(setupWizard().registryPassword).toBe('');

    await fireEvent.click(checkbox(/I understand: this registry is reachable only on a private network/));
    await waitFor(() => expect(screen.queryByText(unacknowledged)).not.toBeInTheDocument());
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));
  }, 30_000);

  it('shows the core’s findings for the production steps beside them', async () => {
    await openProduction(['m1']);
    await fireEvent.click(checkbox('Routine backups'));
    expect(await screen.findByText('Routine backups need at least 3 managers; this plan has 1.')).toBeInTheDocument();
    expect(screen.getByText(/A backup stops Docker on one manager; with fewer than 3, the others would lose quorum/)).toBeInTheDocument();
    // A warning: Next is free.
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));

    await fireEvent.click(checkbox('Private registry'));
    expect(await screen.findByText('The registry needs a swarm of at least two hosts.')).toBeInTheDocument();
    await waitFor(() => expect(next()).toHaveAccessibleDescription('Fill in what is marked above, or turn that part off, to continue.'));
    await fireEvent.click(checkbox('Private registry'));
    await waitFor(() => expect(screen.queryByText('The registry needs a swarm of at least two hosts.')).not.toBeInTheDocument());

    // A field left blank is asked for once Next is pressed, not on arrival.
    await fireEvent.click(checkbox('Edge target list'));
    const path = 'An absolute path to a file, e.g. /etc/haproxy/swarm.cfg (not a folder).';
    await waitFor(() => expect(next()).toHaveAccessibleDescription('Fill in the parts you turned on, or turn them off, to continue.'));
    expect(screen.queryByText(path)).not.toBeInTheDocument();
    await fireEvent.click(next());
    expect(await screen.findByText(path)).toBeInTheDocument();
    expect(textbox('File path')).toHaveAttribute('aria-invalid', 'true');
    await fireEvent.input(textbox('Port'), { target: { value: '80x' } });
    expect(await screen.findByText('A whole number from 1 to 65535.')).toBeInTheDocument();
  }, 30_000);

  it('node pools: the worker pool first, the manager pool on request; labels and size as typed; the core names a bad key', async () => {
    await openProduction(['m1', 'm2', 'm3']);
    await fireEvent.click(checkbox('Node pool scripts'));
    expect(screen.getByText(/Each script holds a join token/)).toBeInTheDocument();
    expect(checkbox('Worker pool')).toBeChecked();
    expect(checkbox('Manager pool')).not.toBeChecked();
    const workers = screen.getByRole('group', { name: 'Worker pool' });
    const field = (name: string) => within(workers).getByRole('textbox', { name });
    expect(field('Pool name')).toHaveValue('workers');
    await fireEvent.input(field('Group size (optional)'), { target: { value: '4' } });
    await fireEvent.input(field('Labels (optional)'), { target: { value: 'tier=app\nzone=b' } });
    await fireEvent.input(field('Script file'), { target: { value: '/home/ops/workers.user-data' } });
    await fireEvent.click(checkbox('Manager pool'));
    const managers = screen.getByRole('group', { name: 'Manager pool' });
    await fireEvent.input(within(managers).getByRole('textbox', { name: 'Script file' }), {
      target: { value: '/home/ops/managers.user-data' },
    });
    expect((await lastValidated()).extras?.pools).toEqual([
      { name: 'managers', role: 'manager', labels: {}, targetSize: null, path: '/home/ops/managers.user-data' },
      { name: 'workers', role: 'worker', labels: { tier: 'app', zone: 'b' }, targetSize: 4, path: '/home/ops/workers.user-data' },
    ]);
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));
    // A key Docker refuses goes to the core as typed, and its refusal holds Next.
    await fireEvent.input(field('Labels (optional)'), { target: { value: 'tier app' } });
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'true'));
    await fireEvent.input(field('Labels (optional)'), { target: { value: 'tier=app' } });
    await fireEvent.click(checkbox('Manager pool'));
    expect((await lastValidated()).extras?.pools?.map((p) => p.role)).toEqual(['worker']);
    await goNext('Check the hosts');
  }, 30_000);

  it('sends the password with the run only, and keeps no copy once the run started', async () => {
    await openProduction(['m1', 'm2', 'm3']);
    await fireEvent.click(checkbox('Private registry'));
    await fireEvent.input(textbox('Username (optional)'), { target: { value: 'ci' } });
    await fireEvent.input(screen.getByLabelText('Password'), { target: { value: PASSWORD } });
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));

    // Preflight and the run need SSH hosts (the lab tests have them); the build is started as Review would.
    const wizard = setupWizard();
    await wizard.validateNow();
    await wizard.build();
    const run = sent.filter((c) => c.method === 'run').at(-1)?.input as { plan: SwarmPlan; registryPassword?: string };
    expect(run.registryPassword).toBe(PASSWORD);
    expect(JSON.stringify(run.plan)).not.toContain(PASSWORD);
    expect(wizard.registryPassword).toBe('');
    await screen.findByRole('heading', { level: 2, name: 'Building the swarm' });
    // These hosts cannot be reached: the run stops, and running it again asks for the password again.
    const again = await screen.findByRole('button', { name: 'Run again' }, { timeout: 20_000 });
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(again).toBeDisabled();
  }, 40_000);
});
