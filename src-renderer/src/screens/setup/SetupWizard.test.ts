import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import App from '../../App.svelte';
import { discardSetupWizard } from '../../lib/setup-wizard.svelte.js';

// The wizard against a real core. The saved hosts point at a closed port on this machine, so
// reading them fails at once: the plan steps must work all the same (preflight and the run need
// real SSH hosts and are covered by the lab tests).
let core: Core;
let cleanup: () => Promise<void>;
const HOSTS = ['m1', 'm2', 'm3', 'm4'];

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
  window.swarmdeck = inProcessBridge(core);
  render(App);
  await screen.findByRole('heading', { name: 'No clusters yet' });
});
afterAll(() => cleanup());

/** A fresh wizard for each test: leave the screen, forget the plan, come back. */
async function openWizard(): Promise<void> {
  await fireEvent.click(screen.getByRole('link', { name: 'Clusters' }));
  await screen.findByRole('heading', { level: 1, name: 'Clusters' });
  discardSetupWizard();
  await fireEvent.click(screen.getByRole('link', { name: 'New swarm' }));
  await screen.findByRole('navigation', { name: 'Setup steps' });
}
afterEach(() => vi.restoreAllMocks());

function readText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsText(blob);
  });
}

const next = () => screen.getByRole('button', { name: 'Next' });
const tolerance = () => screen.getByRole('status', { name: 'Fault tolerance' });

async function chooseHosts(name: string, aliases: string[]): Promise<void> {
  await fireEvent.input(screen.getByRole('textbox', { name: 'Cluster name' }), { target: { value: name } });
  for (const alias of aliases) await fireEvent.click(screen.getByRole('checkbox', { name: alias }));
}

async function goNext(heading: string): Promise<void> {
  await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));
  await fireEvent.click(next());
  const h2 = await screen.findByRole('heading', { level: 2, name: heading });
  await waitFor(() => expect(h2).toHaveFocus());
}

describe('the guided setup, plan steps', () => {
  it('goes Hosts → Roles → Network → Options, and a host that cannot be read does not stop it', async () => {
    await openWizard();
    const steps = screen.getByRole('navigation', { name: 'Setup steps' });
    expect(within(steps).getAllByRole('listitem')).toHaveLength(9);
    expect(next()).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByText('Name the swarm and choose at least one host to continue.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Add a host in Hosts' })).toHaveAttribute('href', '#/hosts');

    await chooseHosts('production', ['m1', 'm2', 'm3']);
    await goNext('Choose each host’s role');
    expect(within(steps).getByRole('button', { name: /Hosts/ })).toBeInTheDocument();

    for (const alias of ['m1', 'm2', 'm3']) {
      expect(screen.getByRole('combobox', { name: `Role for ${alias}` })).toHaveValue('manager');
      const advertise = screen.getByRole('combobox', { name: `Advertise address for ${alias}` });
      expect(within(advertise).getByRole('option', { name: 'Address it is reached by' })).toBeInTheDocument();
    }
    expect(tolerance()).toHaveTextContent('3 managers: the swarm keeps working if 1 fails.');
    // Each host's failure is said beside it, worded, with a way to try again; roles stay editable.
    expect(await screen.findByRole('button', { name: 'Read m1 again' }, { timeout: 10_000 })).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByRole('button', { name: /^Read m\d again$/ })).toHaveLength(3), { timeout: 10_000 });
    expect(screen.getByText('The roles can be chosen all the same; preflight checks every host again.')).toBeInTheDocument();
    expect(screen.getByText('ops@127.0.0.1:1 refused the connection. Is sshd running on that port?')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await fireEvent.change(screen.getByRole('combobox', { name: 'Role for m3' }), { target: { value: 'worker' } });
    expect(tolerance()).toHaveTextContent('2 managers: if one fails, the swarm can no longer be managed.');
    await fireEvent.change(screen.getByRole('combobox', { name: 'Role for m3' }), { target: { value: 'manager' } });

    await goNext('Plan the overlay network');
    expect(screen.getByRole('textbox', { name: 'Network name' })).toHaveValue('');
    expect(screen.getByRole('textbox', { name: 'Network name' })).toHaveAttribute('placeholder', 'backend');
    expect(screen.getByRole('textbox', { name: 'Subnet' })).toHaveValue('10.0.9.0/24');
    expect(screen.getByRole('checkbox', { name: 'Encrypted' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Attachable' })).toBeChecked();
    // A network not named yet is asked for calmly, and marked only once Next was pressed.
    const unnamed = 'Name the network with letters, digits, dots, dashes or underscores (up to 63).';
    expect(await screen.findByText('Name the network to continue, or remove it.')).toBeInTheDocument();
    expect(screen.queryByText(unnamed)).not.toBeInTheDocument();
    await fireEvent.click(next());
    expect(await screen.findByText(unnamed)).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Network name' })).toHaveAttribute('aria-invalid', 'true');
    await fireEvent.input(screen.getByRole('textbox', { name: 'Network name' }), { target: { value: 'backend' } });

    await goNext('Choose the swarm options');
    expect(screen.getByRole('checkbox', { name: 'Dedicated managers' })).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Autolock' })).not.toBeChecked();
    expect(screen.getByRole('textbox', { name: 'Default address pool' })).toHaveValue('');
    expect(screen.getByRole('spinbutton', { name: 'Subnet size' })).toBeDisabled();

    // Back keeps what was chosen.
    await fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('textbox', { name: 'Network name' })).toHaveValue('backend');
  }, 30_000);

  it('updates the fault tolerance as roles change, and an even count blocks Next until acknowledged', async () => {
    await openWizard();
    await chooseHosts('staging', ['m1']);
    await goNext('Choose each host’s role');
    expect(tolerance()).toHaveTextContent('1 manager: if it fails, the swarm can no longer be managed.');
    const current = () =>
      within(tolerance())
        .getAllByRole('row')
        .find((row) => row.getAttribute('aria-current') === 'true');
    expect(current()).toHaveTextContent('10');

    await fireEvent.click(within(screen.getByRole('navigation', { name: 'Setup steps' })).getByRole('button', { name: /Hosts/ }));
    for (const alias of ['m2', 'm3', 'm4']) await fireEvent.click(await screen.findByRole('checkbox', { name: alias }));
    await goNext('Choose each host’s role');
    // Three or more hosts: the first three are managers.
    expect(screen.getByRole('combobox', { name: 'Role for m4' })).toHaveValue('worker');
    expect(tolerance()).toHaveTextContent('3 managers: the swarm keeps working if 1 fails.');
    expect(current()).toHaveTextContent('31');

    await fireEvent.change(screen.getByRole('combobox', { name: 'Role for m4' }), { target: { value: 'manager' } });
    expect(tolerance()).toHaveTextContent('4 managers: the swarm keeps working if 1 fails.');
    expect(tolerance()).toHaveTextContent('An even number adds no tolerance: 3 managers tolerate as many failures.');
    expect(current()).toHaveTextContent('41');
    expect(await screen.findByText('4 managers tolerate no more failures than 3. Make it 5 or 3.')).toBeInTheDocument();
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'true'));
    // Next says why it is held, and pressing it anyway does not move on.
    expect(next()).toHaveAccessibleDescription('Confirm the even number of managers above, or change a role, to continue.');
    await fireEvent.click(next());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(screen.getByRole('heading', { level: 2, name: 'Choose each host’s role' })).toBeInTheDocument();

    await fireEvent.click(screen.getByRole('checkbox', { name: 'I understand: an even number of managers adds no fault tolerance' }));
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));

    await fireEvent.change(screen.getByRole('combobox', { name: 'Role for m2' }), { target: { value: 'worker' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Role for m3' }), { target: { value: 'worker' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Role for m4' }), { target: { value: 'worker' } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Role for m1' }), { target: { value: 'worker' } });
    expect(tolerance()).toHaveTextContent('No manager yet: a swarm needs at least one.');
    expect(await screen.findByText('Make at least one host a manager.')).toBeInTheDocument();
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'true'));
  }, 30_000);

  it('shows an invalid subnet’s finding beside the field and holds Next', async () => {
    await openWizard();
    await chooseHosts('lab', ['m1']);
    await goNext('Choose each host’s role');
    await goNext('Plan the overlay network');
    await fireEvent.input(screen.getByRole('textbox', { name: 'Network name' }), { target: { value: 'backend' } });
    const subnet = screen.getByRole('textbox', { name: 'Subnet' });
    await fireEvent.input(subnet, { target: { value: '10.0.9.0/33' } });
    expect(await screen.findByText('10.0.9.0/33 is not a subnet such as 10.0.9.0/24.')).toBeInTheDocument();
    await waitFor(() => expect(subnet).toHaveAttribute('aria-invalid', 'true'));
    expect(subnet).toHaveAccessibleDescription(expect.stringContaining('is not a subnet'));
    expect(next()).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByText('Fix what is marked above to continue.')).toBeInTheDocument();

    await fireEvent.input(subnet, { target: { value: '10.0.9.0/24' } });
    await waitFor(() => expect(subnet).toHaveAttribute('aria-invalid', 'false'));
    await waitFor(() => expect(next()).toHaveAttribute('aria-disabled', 'false'));
  }, 30_000);

  it('exports the plan as a file and imports it back', async () => {
    await openWizard();
    await chooseHosts('production', ['m1', 'm2', 'm3', 'm4']);
    expect(screen.getByText(/It holds no secret/)).toBeInTheDocument();

    let saved: Blob | undefined;
    const createObjectURL = vi.fn((blob: Blob) => {
      saved = blob;
      return 'blob:plan';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    await fireEvent.click(screen.getByRole('button', { name: 'Export plan file' }));
    expect(await screen.findByText('Saved production.swarm-plan.yaml.')).toBeInTheDocument();
    expect(click).toHaveBeenCalled();
    const yaml = await readText(saved!);
    expect(yaml).toContain('name: production');

    // A fresh wizard, then the file brings the plan back.
    await openWizard();
    expect(screen.getByRole('textbox', { name: 'Cluster name' })).toHaveValue('');
    const input = screen.getByLabelText('Import plan file');
    await fireEvent.change(input, { target: { files: [new File([yaml], 'production.swarm-plan.yaml', { type: 'application/yaml' })] } });
    expect(await screen.findByText('Imported the plan “production” with 4 hosts. Check each step before you build.')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Cluster name' })).toHaveValue('production');
    for (const alias of HOSTS) expect(screen.getByRole('checkbox', { name: alias })).toBeChecked();

    // A file that is not a plan says what is wrong, and where.
    await fireEvent.change(input, { target: { files: [new File(['version: 1\nname: x\nhosts: 7\n'], 'bad.yaml')] } });
    expect(await screen.findByRole('alert')).toHaveTextContent(/^The plan file was not imported\. Line 3: The field hosts is not right\./);
    expect(screen.getByRole('textbox', { name: 'Cluster name' })).toHaveValue('production');
  }, 30_000);
});
