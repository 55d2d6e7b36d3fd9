import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ContractEvents, EventName, PreloadBridge, Result } from '../../../../src-main/contract.js';
import ExecTerminal from './ExecTerminal.svelte';

// xterm needs a real layout engine; here a stand-in records what the dialog does with it,
// and a fake bridge plays the core (the exec itself needs a swarm: see the lab e2e test).
const { terminals, FakeTerminal } = vi.hoisted(() => {
  const terminals: InstanceType<typeof FakeTerminal>[] = [];
  class FakeTerminal {
    cols = 80;
    rows = 24;
    written: string[] = [];
    options: Record<string, unknown>;
    disposed = false;
    focused = false;
    private dataListener: (data: string) => void = () => undefined;
    constructor(options: Record<string, unknown>) {
      this.options = { ...options };
      terminals.push(this);
    }
    loadAddon(): void {}
    open(element: HTMLElement): void {
      element.append(Object.assign(document.createElement('div'), { className: 'xterm' }));
    }
    attachCustomKeyEventHandler(): void {}
    onData(listener: (data: string) => void) {
      this.dataListener = listener;
      return { dispose: () => undefined };
    }
    onResize() {
      return { dispose: () => undefined };
    }
    write(bytes: Uint8Array): void {
      this.written.push(new TextDecoder().decode(bytes));
    }
    focus(): void {
      this.focused = true;
    }
    dispose(): void {
      this.disposed = true;
    }
    type(data: string): void {
      this.dataListener(data);
    }
  }
  return { terminals, FakeTerminal };
});
vi.mock('@xterm/xterm', () => ({ Terminal: FakeTerminal }));
vi.mock('@xterm/addon-fit', () => ({ FitAddon: class {} }));

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
function emit<E extends EventName>(event: E, payload: ContractEvents[E]): void {
  for (const listener of listeners.get(event) ?? []) listener(payload);
}
let openResult: Result<unknown> = { ok: true, value: { sessionId: 's1', host: 'worker1', container: 'abc123def456' } };
const calls: [string, unknown][] = [];
const exec = (method: string) => (input: unknown) => {
  calls.push([method, input]);
  return Promise.resolve(method === 'open' ? openResult : { ok: true, value: undefined });
};

beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
  window.swarmdeck = {
    api: { exec: { open: exec('open'), input: exec('input'), resize: exec('resize'), close: exec('close') } },
    on: (event: string, callback: Listener) => {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set);
      set.add(callback);
      return () => set.delete(callback);
    },
  } as unknown as PreloadBridge;
});
afterEach(() => {
  cleanup();
  calls.length = 0;
  terminals.length = 0;
});

const props = { open: true, clusterId: 'c1', taskId: 'task1', taskLabel: 'web.1', node: 'worker1', onclose: () => undefined };

describe('the exec terminal', () => {
  it('opens a session for the task, shows its output, sends keys and ends it on close', async () => {
    const onclose = vi.fn();
    const view = render(ExecTerminal, { ...props, onclose });
    const dialog = screen.getByRole('dialog', { name: 'Shell in web.1 on worker1' });
    expect(within(dialog).getByRole('region', { name: 'Terminal for web.1' })).toBeInTheDocument();
    await within(dialog).findByText('Connected.');
    expect(calls[0]).toEqual(['open', { clusterId: 'c1', taskId: 'task1', cols: 80, rows: 24 }]);
    expect(within(dialog).getByText('Container abc123def456 through host worker1')).toBeInTheDocument();
    const terminal = terminals[0]!;
    expect(terminal.focused).toBe(true);

    emit('exec:output', { sessionId: 's1', data: btoa('/ # ') });
    emit('exec:output', { sessionId: 's2', data: btoa('someone else') });
    expect(terminal.written).toEqual(['/ # ']);
    terminal.type('hostname\r');
    await waitFor(() => expect(calls).toContainEqual(['input', { sessionId: 's1', data: 'hostname\r' }]));

    await fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Screen reader mode' }));
    expect(terminal.options.screenReaderMode).toBe(true);

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(onclose).toHaveBeenCalled();
    await view.rerender({ open: false });
    await waitFor(() => expect(calls).toContainEqual(['close', { sessionId: 's1' }]));
    // Nothing typed on close: the core ends the shell in the container itself.
    expect(calls.filter(([method]) => method === 'input')).toEqual([['input', { sessionId: 's1', data: 'hostname\r' }]]);
    expect(terminal.disposed).toBe(true);
  });

  it('says when the session ended, with the reason, and stops typing but keeps the output', async () => {
    render(ExecTerminal, props);
    const dialog = screen.getByRole('dialog', { name: 'Shell in web.1 on worker1' });
    await within(dialog).findByText('Connected.');
    emit('exec:output', { sessionId: 's1', data: btoa('bye\r\n') });
    emit('exec:ended', { sessionId: 's1', error: { code: 'SSH_LINK_LOST', message: 'gone', params: { host: 'worker1' } } });
    expect(await within(dialog).findByText(/^Session ended: /)).toBeInTheDocument();
    const terminal = terminals[0]!;
    expect(terminal.options.disableStdin).toBe(true);
    expect(terminal.disposed).toBe(false);
    expect(terminal.written).toEqual(['bye\r\n']);
  });

  it('explains that a node outside Hosts cannot be reached', async () => {
    openResult = {
      ok: false,
      error: { code: 'EXEC_HOST_UNKNOWN', message: 'not in Hosts', params: { host: 'worker3', address: '10.0.0.9' } },
    };
    render(ExecTerminal, { ...props, node: 'worker3' });
    const dialog = screen.getByRole('dialog', { name: 'Shell in web.1 on worker3' });
    const status = await within(dialog).findByText(/^Could not open a shell: /);
    expect(status).toHaveTextContent('worker3 (10.0.0.9), which is not in Hosts');
    expect(status).toHaveTextContent('Add that host under Hosts');
  });
});
