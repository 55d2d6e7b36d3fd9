import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ContractError, TopologyNode } from '../../../../src-main/contract.js';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import { ApiError } from '../../lib/api.js';
import RemoveNodeDialog from './RemoveNodeDialog.svelte';
import RotationControl from './RotationControl.svelte';

// Progress reaches the components as `nodes:removal` and `swarm:rotation` events through a real
// core's event bus; the operations themselves are given as functions (they need a swarm, and are
// tested against one in the core's lab suite).
let core: Core;
let removeTemp: () => Promise<void>;
beforeAll(async () => {
  const temp = await makeTempDir();
  removeTemp = temp.cleanup;
  core = await testCore(temp.dir);
  window.swarmdeck = inProcessBridge(core);
});
afterEach(() => cleanup());
afterAll(async () => {
  await removeTemp();
});

const refusal = (code: ContractError['code'], params: Record<string, string>) => new ApiError({ code, message: code, params });
const manager2 = { id: 'n2', hostname: 'manager2', role: 'manager', state: 'ready' } as TopologyNode;

describe('removing a node', () => {
  it('states every step before it runs, shows progress as the core reports it, and closes when done', async () => {
    let finish: () => void = () => undefined;
    const removeNode = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const onclose = vi.fn();
    render(RemoveNodeDialog, {
      open: true,
      node: manager2,
      running: 3,
      managersAfter: 2,
      toleratesAfter: 0,
      ops: { removeNode, reread: vi.fn() },
      onclose,
    });
    const dialog = screen.getByRole('dialog', { name: 'Remove manager2 from the swarm?' });
    expect(dialog).toHaveTextContent('waits until its 3 running tasks run on other nodes');
    expect(dialog).toHaveTextContent('The swarm will have 2 managers, which tolerate 0 failures.');
    const steps = within(dialog).getByRole('list', { name: 'Steps' });
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map((li) => li.textContent?.trim()),
    ).toEqual([
      'Drain manager2',
      'Wait until its tasks run elsewhere',
      'Demote manager2',
      'docker swarm leave on manager2',
      'docker node rm manager2',
    ]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove node' }));
    expect(removeNode).toHaveBeenCalledWith('n2', false);
    core.events.emit('nodes:removal', { clusterId: 'c', nodeId: 'other', step: 'drain', state: 'failed', detail: '' });
    core.events.emit('nodes:removal', { clusterId: 'c', nodeId: 'n2', step: 'drain', state: 'done', detail: '' });
    core.events.emit('nodes:removal', { clusterId: 'c', nodeId: 'n2', step: 'wait', state: 'running', detail: '2' });
    await vi.waitFor(() => expect(within(steps).getAllByRole('listitem')[1]).toHaveTextContent('in progress · 2 tasks left'));
    expect(within(steps).getAllByRole('listitem')[0]).toHaveTextContent('done');
    expect(within(steps).getAllByRole('listitem')[0]).not.toHaveTextContent('failed');
    finish();
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
  });

  it('offers the quorum override only after QUORUM_GUARD, and sends it', async () => {
    const removeNode = vi
      .fn<(nodeId: string, override: boolean) => Promise<void>>()
      .mockRejectedValueOnce(refusal('QUORUM_GUARD', { host: 'manager2', reachable: '1', managers: '2', needed: '2' }))
      .mockResolvedValueOnce(undefined);
    render(RemoveNodeDialog, {
      open: true,
      node: manager2,
      running: 0,
      managersAfter: 2,
      toleratesAfter: 0,
      ops: { removeNode, reread: vi.fn() },
      onclose: vi.fn(),
    });
    const dialog = screen.getByRole('dialog');
    const confirm = within(dialog).getByRole('button', { name: 'Remove node' });
    await fireEvent.click(confirm);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('quorum needs 2');
    expect(confirm).toBeDisabled();
    await fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Demote anyway, I accept the risk' }));
    await fireEvent.click(confirm);
    expect(removeNode).toHaveBeenLastCalledWith('n2', true);
  });
});

describe('rotation', () => {
  it('confirms the effect, then shows the CA rotation progress and the outcome', async () => {
    let finish: () => void = () => undefined;
    const rotate = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    render(RotationControl, { clusterId: 'c1', ops: { rotate, reread: vi.fn() } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Rotate' }), { target: { value: 'ca' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Rotate…' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate the root CA?' });
    expect(dialog).toHaveTextContent('a node that is down holds it up');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate…' }));
    expect(rotate).toHaveBeenCalledWith('ca');
    core.events.emit('swarm:rotation', { clusterId: 'other', what: 'ca', state: 'running', done: 9, total: 9 });
    core.events.emit('swarm:rotation', { clusterId: 'c1', what: 'ca', state: 'running', done: 2, total: 5 });
    await vi.waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('2 of 5 nodes have a certificate from the new root'));
    finish();
    await vi.waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Root CA: Rotated.'));
  });

  it('says when a rotation failed', async () => {
    const rotate = vi.fn(() => Promise.reject(refusal('DOCKER_REFUSED', { detail: 'rpc error' })));
    render(RotationControl, { clusterId: 'c1', ops: { rotate, reread: vi.fn() } });
    await fireEvent.click(screen.getByRole('button', { name: 'Rotate…' }));
    await fireEvent.click(
      within(screen.getByRole('dialog', { name: 'Rotate the worker join token?' })).getByRole('button', { name: 'Rotate…' }),
    );
    await vi.waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/^Worker join token: .*rpc error/));
  });
});
