import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LogLine, TopologyService } from '../../../../src-main/contract.js';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import { readOnlyOperations } from '../../lib/topology/operations.js';
import LogsPanel from './LogsPanel.svelte';

// Lines reach the panel as `logs:lines` events through a real core's event bus; starting and
// stopping the stream are given to the panel as functions (the stream itself needs a swarm).
let core: Core;
let removeTemp: () => Promise<void>;
beforeAll(async () => {
  const temp = await makeTempDir();
  removeTemp = temp.cleanup;
  core = await testCore(temp.dir);
  window.swarmdeck = inProcessBridge(core);
});
afterAll(async () => {
  cleanup();
  await removeTemp();
});

const web = { id: 'svc1', name: 'web' } as TopologyService;
const line = (i: number, text = `request ${i}`): LogLine => ({
  task: `web.${(i % 3) + 1}`,
  node: `worker${(i % 2) + 1}`,
  stream: 'stdout',
  time: '2025-06-01T12:00:00Z',
  text,
});

describe('the logs panel', () => {
  it('follows the lines of its own stream, filters them, keeps the DOM bounded and stops on close', { timeout: 30_000 }, async () => {
    const logs = vi.fn(() => Promise.resolve({ streamId: 's1' }));
    const stopLogs = vi.fn(() => Promise.resolve());
    const onclose = vi.fn();
    render(LogsPanel, { open: true, service: web, ops: { ...readOnlyOperations, logs, stopLogs }, onclose });
    const dialog = screen.getByRole('dialog', { name: 'Logs of web' });
    expect(logs).toHaveBeenCalledWith('svc1', 500);
    await within(dialog).findByText('Following the logs of every task.');

    core.events.emit('logs:lines', { streamId: 'other', lines: [line(0, 'not mine')] });
    core.events.emit('logs:lines', { streamId: 's1', lines: Array.from({ length: 6000 }, (_, i) => line(i)) });
    core.events.emit('logs:lines', { streamId: 's1', lines: [line(6000, 'panic: out of memory')] });
    const log = within(dialog).getByRole('log');
    await waitFor(() => expect(log.children).toHaveLength(5000));
    expect(log.lastElementChild).toHaveTextContent('web.1@worker1 panic: out of memory');
    expect(within(dialog).queryByText(/not mine/)).not.toBeInTheDocument();
    expect(within(dialog).getByText('Showing the newest 5,000 of 6,001 lines.')).toBeInTheDocument();

    await fireEvent.input(within(dialog).getByRole('searchbox', { name: 'Filter lines' }), { target: { value: 'PANIC' } });
    expect(log.children).toHaveLength(1);
    expect(within(dialog).getByText('1 of 6,001 lines match.')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Download' })).toBeEnabled();

    // One task's logs: the filter applies within that task.
    const taskSelect = within(dialog).getByRole('combobox', { name: 'Task' });
    expect([...(taskSelect as HTMLSelectElement).options].map((o) => o.text)).toEqual(['All tasks', 'web.1', 'web.2', 'web.3']);
    await fireEvent.change(taskSelect, { target: { value: 'web.2' } });
    expect(within(log).queryByText(/panic/)).not.toBeInTheDocument();
    await fireEvent.input(within(dialog).getByRole('searchbox', { name: 'Filter lines' }), { target: { value: '' } });
    expect([...log.children].every((row) => row.textContent?.startsWith('web.2@'))).toBe(true);
    expect(log.children).toHaveLength(2000);

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(onclose).toHaveBeenCalled();
  });

  it('stops the stream when it closes, and says when the stream ended', async () => {
    cleanup();
    const stopLogs = vi.fn(() => Promise.resolve());
    const view = render(LogsPanel, {
      open: true,
      service: web,
      ops: { ...readOnlyOperations, logs: () => Promise.resolve({ streamId: 's2' }), stopLogs },
      onclose: () => undefined,
    });
    const dialog = screen.getByRole('dialog', { name: 'Logs of web' });
    await within(dialog).findByText('Following the logs of every task.');
    await view.rerender({ open: false });
    expect(stopLogs).toHaveBeenCalledWith('s2');

    await view.rerender({ open: true });
    await within(dialog).findByText('Following the logs of every task.');
    core.events.emit('logs:ended', { streamId: 's2' });
    expect(await within(dialog).findByText('The log stream ended.')).toBeInTheDocument();
  });
});
