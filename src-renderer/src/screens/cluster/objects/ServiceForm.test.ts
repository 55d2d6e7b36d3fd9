import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TopologyNetwork } from '../../../../../src-main/contract.js';
import { ApiError } from '../../../lib/api.js';
import type { ServiceInput } from './form-model.js';
import ServiceForm from './ServiceForm.svelte';

// The service form given createService as a function: the input it builds from what was typed,
// the command it shows, and where the core's refusals land.
afterEach(() => cleanup());

const network = (id: string, name: string, patch: Partial<TopologyNetwork> = {}): TopologyNetwork => ({
  id,
  name,
  driver: 'overlay',
  scope: 'swarm',
  subnet: null,
  encrypted: false,
  attachable: false,
  ingress: false,
  ...patch,
});
const networks = [
  network('n1', 'backend'),
  network('n2', 'ingress', { ingress: true }),
  network('n3', 'bridge', { scope: 'local', driver: 'bridge' }),
];

function renderForm(createService = vi.fn<(input: ServiceInput) => Promise<{ serviceId: string }>>()) {
  const reread = vi.fn();
  const onclose = vi.fn();
  const ondone = vi.fn();
  render(ServiceForm, { open: true, networks, ops: { createService, reread }, onclose, ondone });
  const dialog = screen.getByRole('dialog', { name: 'Create a service' });
  const type = (label: string, value: string, index = 0) =>
    fireEvent.input(within(dialog).getAllByLabelText(label)[index]!, { target: { value } });
  const create = () => fireEvent.click(within(dialog).getByRole('button', { name: 'Create service' }));
  return { dialog, createService, reread, onclose, ondone, type, create };
}

describe('the service form', () => {
  it('builds the whole input from the form and shows the equivalent command', async () => {
    const createService = vi.fn((_input: ServiceInput) => Promise.resolve({ serviceId: 'svc1' }));
    const { dialog, type, create, onclose, ondone } = renderForm(createService);
    await type('Image', 'nginx:1.27');
    await type('Service name', 'web');
    await type('Replicas', '3');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Add port' }));
    await type('Container port', '80');
    await type('Published port', '8080');
    await fireEvent.change(within(dialog).getByLabelText('Publish mode'), { target: { value: 'host' } });
    // Only swarm networks a service may join are offered.
    expect(within(dialog).queryByRole('checkbox', { name: 'ingress' })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole('checkbox', { name: 'bridge' })).not.toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('checkbox', { name: 'backend' }));
    await type('Environment', 'MODE=prod\nPASSWORD=s3cret word\n');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Add mount' }));
    await fireEvent.change(within(dialog).getByLabelText('Type'), { target: { value: 'tmpfs' } });
    await type('Path in the container', '/cache');
    await type('Placement constraints', 'node.role==worker');
    await fireEvent.click(within(dialog).getByText('Update and rollback'));
    await type('Parallelism', '2', 0);
    await type('Delay (s)', '5', 0);
    await fireEvent.change(within(dialog).getAllByLabelText('Order')[0]!, { target: { value: 'start-first' } });

    const command = within(dialog).getByText(/^docker service create/);
    expect(command).toHaveTextContent(
      'docker service create --name web --replicas 3 --publish published=8080,target=80,protocol=tcp,mode=host --network backend --env MODE=… --env PASSWORD=… --mount type=tmpfs,target=/cache --constraint node.role==worker --update-parallelism 2 --update-delay 5s --update-order start-first nginx:1.27',
    );
    expect(command).not.toHaveTextContent('s3cret');

    await create();
    expect(createService).toHaveBeenCalledWith({
      name: 'web',
      image: 'nginx:1.27',
      mode: 'replicated',
      replicas: 3,
      args: [],
      ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'host' }],
      networks: ['n1'],
      env: ['MODE=prod', 'PASSWORD=s3cret word'],
      mounts: [{ type: 'tmpfs', source: '', target: '/cache', readOnly: false }],
      constraints: ['node.role==worker'],
      update: { parallelism: 2, delaySeconds: 5, failureAction: 'pause', order: 'start-first' },
      rollback: { parallelism: 1, delaySeconds: 0, failureAction: 'pause', order: 'stop-first' },
    });
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(ondone).toHaveBeenCalledWith('web');
  });

  it('starts with Docker’s update defaults, and offers no rollback-on-failure for a rollback', () => {
    const { dialog } = renderForm();
    expect(
      within(dialog)
        .getAllByLabelText('Parallelism')
        .map((e) => (e as HTMLInputElement).value),
    ).toEqual(['1', '1']);
    expect(
      within(dialog)
        .getAllByLabelText('Delay (s)')
        .map((e) => (e as HTMLInputElement).value),
    ).toEqual(['0', '0']);
    const [update, rollback] = within(dialog).getAllByLabelText('On failure');
    expect(update).toHaveValue('pause');
    expect(
      within(update!)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['pause', 'continue', 'rollback']);
    expect(
      within(rollback!)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['pause', 'continue']);
    expect(within(dialog).getAllByLabelText('Order')[1]).toHaveValue('stop-first');
  });

  it('checks what it can before sending and focuses the first field to fix', async () => {
    const { dialog, createService, type, create } = renderForm();
    await type('Environment', 'not an assignment');
    await create();
    expect(createService).not.toHaveBeenCalled();
    expect(within(dialog).getByLabelText('Image')).toHaveFocus();
    expect(within(dialog).getAllByText('Required.')).toHaveLength(2);
    expect(within(dialog).getByText('Line 1 is not KEY=value.')).toBeInTheDocument();
  });

  it('puts the core’s field issues beside their fields, and a taken name beside the name', async () => {
    const createService = vi
      .fn<(input: ServiceInput) => Promise<{ serviceId: string }>>()
      .mockRejectedValueOnce(
        new ApiError({
          code: 'INVALID_ARGUMENT',
          message: 'x',
          issues: [
            { path: 'ports.0.published', code: 'INVALID_VALUE', message: 'dup' },
            { path: 'mounts.0.source', code: 'INVALID_VALUE', message: 'relative' },
          ],
        }),
      )
      .mockRejectedValueOnce(new ApiError({ code: 'CONFLICT', message: 'x', params: { name: 'web' } }));
    const { dialog, type, create } = renderForm(createService);
    await type('Image', 'nginx');
    await type('Service name', 'web');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Add port' }));
    await type('Container port', '80');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Add mount' }));
    await fireEvent.change(within(dialog).getByLabelText('Type'), { target: { value: 'bind' } });
    await type('Source', 'data');
    await type('Path in the container', '/data');
    await create();
    expect(await within(dialog).findByText('A published port used once per protocol; a host-mode port needs one.')).toBeInTheDocument();
    expect(within(dialog).getByText('A bind mount needs an absolute path; a tmpfs mount has no source.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Published port')).toHaveFocus();
    await vi.waitFor(() => expect(within(dialog).getByRole('button', { name: 'Create service' })).toBeEnabled());
    await create();
    expect(await within(dialog).findByText('Something named web exists already; choose another name.')).toBeInTheDocument();
  });

  it('says when the outcome is unknown, and has the map read the swarm again; Escape closes', async () => {
    const { dialog, type, create, reread, onclose } = renderForm(
      vi.fn(() => Promise.reject(new ApiError({ code: 'OUTCOME_UNKNOWN', message: 'x' }))),
    );
    await type('Image', 'nginx');
    await type('Service name', 'web');
    await create();
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/^The outcome is unknown/);
    expect(reread).toHaveBeenCalledOnce();
    await fireEvent(dialog, new Event('cancel', { cancelable: true }));
    expect(onclose).toHaveBeenCalled();
  });
});
