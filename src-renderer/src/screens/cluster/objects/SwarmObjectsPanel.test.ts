import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SwarmObjectSummary } from '../../../../../src-main/contract.js';
import { ApiError } from '../../../lib/api.js';
import SwarmObjectsPanel from '../SwarmObjectsPanel.svelte';
import type { ObjectKind, ObjectSource } from './object-source.js';

// The panel given its source as functions: what it shows of each list, and what it does with
// each answer the core can give (the refusal rules themselves are tested in the core).
afterEach(() => cleanup());

const item = (id: string, name: string, usedBy: string[] = [], labels: Record<string, string> = {}): SwarmObjectSummary => ({
  id,
  name,
  createdAt: '2025-06-01T12:00:00Z',
  updatedAt: '2025-06-02T12:00:00Z',
  labels,
  usedBy,
});

function fakeSource(initial: Record<ObjectKind, SwarmObjectSummary[]>) {
  const lists = { secret: [...initial.secret], config: [...initial.config] };
  const source = {
    list: vi.fn((kind: ObjectKind) => Promise.resolve([...lists[kind]])),
    create: vi.fn((kind: ObjectKind, name: string, _value: string, labels: Record<string, string>) => {
      lists[kind].push(item(`new-${name}`, name, [], labels));
      return Promise.resolve({ id: `new-${name}` });
    }),
    remove: vi.fn((kind: ObjectKind, id: string) => {
      lists[kind] = lists[kind].filter((o) => o.id !== id);
      return Promise.resolve();
    }),
  } satisfies ObjectSource;
  return source;
}

async function renderPanel(source: ObjectSource) {
  render(SwarmObjectsPanel, { clusterId: 'c1', source });
  const secrets = await screen.findByRole('region', { name: 'Secrets' });
  const configs = screen.getByRole('region', { name: 'Configs' });
  return { secrets, configs };
}

describe('the secrets & configs panel', () => {
  it('lists both kinds with labels and users, and disables removing one in use with the reason', async () => {
    const source = fakeSource({
      secret: [item('s1', 'db_password', ['web', 'api'], { tier: 'db' })],
      config: [item('c1', 'nginx.conf')],
    });
    const { secrets, configs } = await renderPanel(source);
    const row = within(secrets).getByRole('row', { name: /db_password/ });
    expect(row).toHaveTextContent('tier=db');
    expect(row).toHaveTextContent('web, api');
    const remove = within(row).getByRole('button', { name: 'Remove db_password' });
    expect(remove).toBeDisabled();
    expect(remove).toHaveAccessibleDescription('In use by web, api: remove it from those services before removing it.');
    const configRow = within(configs).getByRole('row', { name: /nginx\.conf/ });
    expect(configRow).toHaveTextContent('Not used');
    expect(within(configRow).getByRole('button', { name: 'Remove nginx.conf' })).toBeEnabled();
  });

  it('creates a secret from a password field, sends labels, and clears the value on close', async () => {
    const source = fakeSource({ secret: [], config: [] });
    const { secrets } = await renderPanel(source);
    expect(within(secrets).getByText('No secrets in this swarm.')).toBeInTheDocument();
    await fireEvent.click(within(secrets).getByRole('button', { name: 'Create secret' }));
    const dialog = screen.getByRole('dialog', { name: 'Create a secret' });
    const value = within(dialog).getByLabelText('Value');
    expect(value).toHaveAttribute('type', 'password');
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'api_key' } });
    await fireEvent.input(value, { target: { value: 'hunter2-very-secret' } });
    await fireEvent.input(within(dialog).getByLabelText('Labels'), { target: { value: 'team=core\n' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(source.create).toHaveBeenCalledWith('secret', 'api_key', 'hunter2-very-secret', { team: 'core' });
    expect(await screen.findByText('Secret api_key created.')).toBeInTheDocument();
    expect(await within(secrets).findByRole('row', { name: /api_key/ })).toBeInTheDocument();
    // Opened again, the dialog has forgotten the value.
    await fireEvent.click(within(secrets).getByRole('button', { name: 'Create secret' }));
    expect(within(screen.getByRole('dialog', { name: 'Create a secret' })).getByLabelText('Value')).toHaveValue('');
    expect(document.body.textContent).not.toContain('hunter2-very-secret');
  });

  it('reads a value of several lines from a file (a key), and never shows it', async () => {
    const source = fakeSource({ secret: [], config: [] });
    const { secrets } = await renderPanel(source);
    await fireEvent.click(within(secrets).getByRole('button', { name: 'Create secret' }));
    const dialog = screen.getByRole('dialog', { name: 'Create a secret' });
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'tls_key' } });
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n';
    const picker = within(dialog).getByLabelText(/read the value from a file/);
    await fireEvent.change(picker, { target: { files: [new File([pem], 'server.key')] } });
    expect(await within(dialog).findByText('Read server.key; its content is the value.')).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(source.create).toHaveBeenCalledWith('secret', 'tls_key', pem, {});
    expect(document.body.textContent).not.toContain('MIIEvQ');
  });

  it('checks the name and labels before sending, and words a name conflict beside the name', async () => {
    const source = fakeSource({ secret: [], config: [] });
    source.create.mockRejectedValueOnce(new ApiError({ code: 'CONFLICT', message: 'exists', params: { name: 'app.conf' } }));
    const { configs } = await renderPanel(source);
    await fireEvent.click(within(configs).getByRole('button', { name: 'Create config' }));
    const dialog = screen.getByRole('dialog', { name: 'Create a config' });
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: '-bad' } });
    await fireEvent.input(within(dialog).getByLabelText('Labels'), { target: { value: 'novalue' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(source.create).not.toHaveBeenCalled();
    expect(within(dialog).getByText('Use letters and digits, with . _ - only inside the name.')).toBeInTheDocument();
    expect(within(dialog).getByText('Give a value.')).toBeInTheDocument();
    expect(within(dialog).getByText('Line 1 is not key=value.')).toBeInTheDocument();

    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'app.conf' } });
    await fireEvent.input(within(dialog).getByLabelText('Value'), { target: { value: 'listen 80;' } });
    await fireEvent.input(within(dialog).getByLabelText('Labels'), { target: { value: '' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(await within(dialog).findByText('Something named app.conf exists already; choose another name.')).toBeInTheDocument();
  });

  it('removes after a confirmation that states the effect, and shows a refusal in the dialog', async () => {
    const source = fakeSource({ secret: [item('s1', 'old_token')], config: [] });
    source.remove.mockRejectedValueOnce(
      new ApiError({ code: 'OBJECT_IN_USE', message: 'in use', params: { name: 'old_token', services: 'web' } }),
    );
    const { secrets } = await renderPanel(source);
    await fireEvent.click(within(secrets).getByRole('button', { name: 'Remove old_token' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove secret old_token?' });
    expect(dialog).toHaveTextContent('Its value cannot be recovered');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('old_token is used by web');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('Secret old_token removed.')).toBeInTheDocument();
    expect(source.remove).toHaveBeenLastCalledWith('secret', 's1');
    expect(await within(secrets).findByText('No secrets in this swarm.')).toBeInTheDocument();
  });

  it('says when the lists cannot be read, and reads them again on request', async () => {
    const source = fakeSource({ secret: [], config: [] });
    source.list.mockRejectedValueOnce(new ApiError({ code: 'NO_MANAGER_REACHABLE', message: 'x' }));
    render(SwarmObjectsPanel, { clusterId: 'c1', source });
    expect(await screen.findByRole('alert')).toHaveTextContent(/^Secrets and configs could not be read\./);
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('region', { name: 'Secrets' })).toBeInTheDocument();
  });
});
