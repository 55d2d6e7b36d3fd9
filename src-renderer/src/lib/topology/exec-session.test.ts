import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContractEvents, ExecSession } from '../../../../src-main/contract.js';
import { ApiError } from '../api.js';
import { decodeBase64, ExecClient, RESIZE_DEBOUNCE_MS, type ExecDeps, type ExecState } from './exec-session.js';

type ExecEvent = 'exec:output' | 'exec:ended';

/** A fake core: `exec.*` as spies, and an event bus the test emits on. */
function fakeCore(open: () => Promise<ExecSession> = () => Promise.resolve({ sessionId: 's1', host: 'worker1', container: 'abc123' })) {
  const listeners = new Map<ExecEvent, Set<(payload: never) => void>>();
  const deps = {
    exec: {
      open: vi.fn(open),
      input: vi.fn(() => Promise.resolve()),
      resize: vi.fn(() => Promise.resolve()),
      close: vi.fn(() => Promise.resolve()),
    },
    on: (event: ExecEvent, callback: (payload: never) => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(callback);
      return () => set.delete(callback);
    },
  };
  const emit = <E extends ExecEvent>(event: E, payload: ContractEvents[E]) => {
    for (const callback of listeners.get(event) ?? []) (callback as (p: ContractEvents[E]) => void)(payload);
  };
  const listening = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);
  return { deps: deps as unknown as ExecDeps & { exec: typeof deps.exec }, emit, listening };
}

const b64 = (text: string) => btoa(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function client(core: ReturnType<typeof fakeCore>) {
  const output: string[] = [];
  const states: [ExecState, unknown][] = [];
  const exec = new ExecClient(
    { output: (bytes) => output.push(text(bytes)), state: (state, error) => states.push([state, error]) },
    core.deps,
  );
  return { exec, output, states };
}

afterEach(() => vi.useRealTimers());

describe('decodeBase64', () => {
  it('gives the raw bytes, also a UTF-8 character cut at the chunk edge', () => {
    const euro = new TextEncoder().encode('€'); // three bytes
    const first = btoa(String.fromCharCode(euro[0]!, euro[1]!));
    expect([...decodeBase64(first)]).toEqual([0xe2, 0x82]);
    expect(text(decodeBase64(b64('$ ls\r\n')))).toBe('$ ls\r\n');
    expect(decodeBase64('')).toHaveLength(0);
  });
});

describe('ExecClient', () => {
  it('opens with the size, replays output that came before the answer, and keeps only its own session', async () => {
    let answer!: (s: ExecSession) => void;
    const core = fakeCore(() => new Promise((resolve) => (answer = resolve)));
    const { exec, output, states } = client(core);
    const opening = exec.open('c1', 't1', 120, 30);
    expect(core.deps.exec.open).toHaveBeenCalledWith({ clusterId: 'c1', taskId: 't1', cols: 120, rows: 30 });
    core.emit('exec:output', { sessionId: 's1', data: b64('/ # ') });
    core.emit('exec:output', { sessionId: 'other', data: b64('not mine') });
    answer({ sessionId: 's1', host: 'worker1', container: 'abc123' });
    await opening;
    expect(states).toEqual([['open', undefined]]);
    expect(exec.session?.host).toBe('worker1');
    core.emit('exec:output', { sessionId: 's1', data: b64('hello\r\n') });
    core.emit('exec:output', { sessionId: 'other', data: b64('nor this') });
    expect(output).toEqual(['/ # ', 'hello\r\n']);
  });

  it('sends keystrokes in order, debounces resizes and closes the session once', async () => {
    vi.useFakeTimers();
    const core = fakeCore();
    const { exec } = client(core);
    await exec.open('c1', 't1', 80, 24);
    exec.input('l');
    exec.input('s\r');
    await vi.waitFor(() => expect(core.deps.exec.input).toHaveBeenCalledTimes(2));
    expect(core.deps.exec.input.mock.calls).toEqual([[{ sessionId: 's1', data: 'l' }], [{ sessionId: 's1', data: 's\r' }]]);

    exec.resize(100, 30);
    exec.resize(110, 31);
    exec.resize(0, 0); // a hidden terminal measures nothing: ignored
    exec.resize(120, 32);
    expect(core.deps.exec.resize).not.toHaveBeenCalled();
    vi.advanceTimersByTime(RESIZE_DEBOUNCE_MS);
    expect(core.deps.exec.resize.mock.calls).toEqual([[{ sessionId: 's1', cols: 120, rows: 32 }]]);

    exec.close();
    exec.close();
    expect(core.listening()).toBe(0);
    exec.input('ignored after close');
    await vi.waitFor(() => expect(core.deps.exec.close).toHaveBeenCalledTimes(1));
    expect(core.deps.exec.input.mock.calls.slice(2)).toEqual([]);
    expect(core.deps.exec.close).toHaveBeenCalledWith({ sessionId: 's1' });
  });

  it('reports the end with the core’s reason, also an end that came before the answer', async () => {
    const core = fakeCore();
    const { exec, states } = client(core);
    await exec.open('c1', 't1', 80, 24);
    const error = { code: 'SSH_LINK_LOST' as const, message: 'gone' };
    core.emit('exec:ended', { sessionId: 's1', error });
    core.emit('exec:ended', { sessionId: 's1' });
    expect(states).toEqual([
      ['open', undefined],
      ['ended', error],
    ]);
    exec.close();
    expect(core.deps.exec.close).not.toHaveBeenCalled(); // the core already ended it

    let answer!: (s: ExecSession) => void;
    const early = fakeCore(() => new Promise((resolve) => (answer = resolve)));
    const second = client(early);
    const opening = second.exec.open('c1', 't2', 80, 24);
    early.emit('exec:output', { sessionId: 's9', data: b64('bye\r\n') });
    early.emit('exec:ended', { sessionId: 's9' });
    answer({ sessionId: 's9', host: 'worker2', container: 'def456' });
    await opening;
    expect(second.output).toEqual(['bye\r\n']);
    expect(second.states.map(([s]) => s)).toEqual(['open', 'ended']);
  });

  it('says why an open failed, and ends a session that opened after the dialog closed', async () => {
    const refused = new ApiError({ code: 'EXEC_HOST_UNKNOWN', message: 'not in Hosts', params: { host: 'worker3', address: '10.0.0.9' } });
    const failing = fakeCore(() => Promise.reject(refused));
    const { exec, states } = client(failing);
    await exec.open('c1', 't1', 80, 24);
    expect(states).toEqual([['failed', refused]]);
    expect(failing.listening()).toBe(0);

    let answer!: (s: ExecSession) => void;
    const slow = fakeCore(() => new Promise((resolve) => (answer = resolve)));
    const late = client(slow);
    const opening = late.exec.open('c1', 't1', 80, 24);
    late.exec.close();
    answer({ sessionId: 's5', host: 'worker1', container: 'abc' });
    await opening;
    expect(slow.deps.exec.close).toHaveBeenCalledWith({ sessionId: 's5' });
    expect(late.states).toEqual([]);
  });
});
