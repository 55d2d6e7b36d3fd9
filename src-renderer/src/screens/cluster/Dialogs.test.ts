import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContractError, TopologyService } from '../../../../src-main/contract.js';
import { ApiError } from '../../lib/api.js';
import DemoteDialog from './DemoteDialog.svelte';
import ScaleDialog from './ScaleDialog.svelte';
import UpdateImageDialog from './UpdateImageDialog.svelte';

// The dialogs given the operation as a function: what the component does with each answer
// the core can give (the core's own refusal rules are tested in the core).
afterEach(() => cleanup());

const refusal = (code: ContractError['code'], params: Record<string, string>) => new ApiError({ code, message: code, params });

function demoteDialog(demote: (override: boolean) => Promise<void>) {
  const reread = vi.fn();
  const onclose = vi.fn();
  render(DemoteDialog, { open: true, host: 'manager2', body: 'manager2 stops being a manager.', demote, ops: { reread }, onclose });
  const dialog = screen.getByRole('dialog', { name: 'Demote manager2?' });
  return { dialog, reread, onclose, confirm: () => within(dialog).getByRole('button', { name: 'Demote' }) };
}

describe('demote', () => {
  it('offers the override only after QUORUM_GUARD, and then demotes with override', async () => {
    const demote = vi
      .fn<(override: boolean) => Promise<void>>()
      .mockRejectedValueOnce(refusal('QUORUM_GUARD', { host: 'manager2', reachable: '1', managers: '2', needed: '2' }))
      .mockResolvedValueOnce(undefined);
    const { dialog, confirm, onclose } = demoteDialog(demote);
    expect(within(dialog).queryByRole('checkbox')).not.toBeInTheDocument();
    await fireEvent.click(confirm());
    expect(demote).toHaveBeenLastCalledWith(false);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Without manager2, 1 of 2 managers would be reachable, and quorum needs 2',
    );
    const override = within(dialog).getByRole('checkbox', { name: 'Demote anyway, I accept the risk' });
    expect(confirm()).toBeDisabled();
    await fireEvent.click(override);
    await fireEvent.click(confirm());
    expect(demote).toHaveBeenLastCalledWith(true);
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
  });

  it('never offers the override for the last manager', async () => {
    const demote = vi.fn(() => Promise.reject(refusal('LAST_MANAGER', { host: 'manager2' })));
    const { dialog, confirm } = demoteDialog(demote);
    await fireEvent.click(confirm());
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('manager2 is the swarm’s last manager');
    expect(within(dialog).queryByRole('checkbox')).not.toBeInTheDocument();
    expect(confirm()).toBeDisabled();
  });

  it('says when the outcome is unknown, and has the map read the swarm again', async () => {
    const { dialog, confirm, reread } = demoteDialog(() => Promise.reject(refusal('OUTCOME_UNKNOWN', {})));
    await fireEvent.click(confirm());
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/^The outcome is unknown.*The map is re-reading the swarm/);
    expect(reread).toHaveBeenCalledOnce();
  });
});

describe('scale', () => {
  const web: TopologyService = {
    id: 'svc1',
    name: 'web',
    image: 'nginx:1.27',
    mode: 'replicated',
    replicas: 3,
    running: 3,
    desired: 3,
    ports: [],
    networks: [],
    updateState: null,
    stack: null,
  };

  it('starts from the replicas asked for, refuses what is not a count, and scales', async () => {
    const scale = vi.fn(() => Promise.resolve());
    const onclose = vi.fn();
    render(ScaleDialog, { open: true, service: web, scale, ops: { reread: vi.fn() }, onclose });
    const dialog = screen.getByRole('dialog', { name: 'Scale web?' });
    expect(dialog).toHaveAccessibleDescription('Docker starts or stops tasks of web until this many run. It asks for 3 now.');
    const input = within(dialog).getByRole('spinbutton', { name: 'Replicas for web' });
    expect(input).toHaveValue(3);
    await fireEvent.input(input, { target: { value: '-2' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Scale' }));
    expect(within(dialog).getByText('Enter a whole number from 0 to 10,000.')).toBeInTheDocument();
    expect(scale).not.toHaveBeenCalled();
    await fireEvent.input(input, { target: { value: '0' } });
    expect(within(dialog).getByText(/^With 0 replicas every task of web stops/)).toBeInTheDocument();
    await fireEvent.input(input, { target: { value: '7' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Scale' }));
    expect(scale).toHaveBeenCalledWith(7);
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
  });

  it('shows the core’s refusal in its own words', async () => {
    const scale = vi.fn(() => Promise.reject(refusal('DOCKER_REFUSED', { detail: 'rpc error: update out of sequence' })));
    render(ScaleDialog, { open: true, service: web, scale, ops: { reread: vi.fn() }, onclose: vi.fn() });
    const dialog = screen.getByRole('dialog', { name: 'Scale web?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Scale' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Docker refused the change: rpc error: update out of sequence');
  });
});

describe('update image', () => {
  const web = { id: 'svc1', name: 'web', image: 'nginx:1.27', mode: 'replicated' } as TopologyService;

  it('starts from the image it runs, refuses what is not an image reference, and sends the new one', async () => {
    const update = vi.fn(() => Promise.resolve());
    const onclose = vi.fn();
    render(UpdateImageDialog, { open: true, service: web, update, ops: { reread: vi.fn() }, onclose });
    const dialog = screen.getByRole('dialog', { name: 'Update the image of web?' });
    expect(dialog).toHaveAccessibleDescription(/as its update config says.*It runs nginx:1.27 now/);
    const input = within(dialog).getByRole('textbox', { name: 'Image for web' });
    const confirm = within(dialog).getByRole('button', { name: 'Update image…' });
    expect(input).toHaveValue('nginx:1.27');
    expect(confirm).toBeDisabled();
    await fireEvent.input(input, { target: { value: 'nginx 1.28' } });
    await fireEvent.click(confirm);
    expect(within(dialog).getByText(/^An image reference is a name/)).toBeInTheDocument();
    expect(update).not.toHaveBeenCalled();
    await fireEvent.input(input, { target: { value: ' nginx:1.28 ' } });
    await fireEvent.click(confirm);
    expect(update).toHaveBeenCalledWith('nginx:1.28');
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
  });
});
