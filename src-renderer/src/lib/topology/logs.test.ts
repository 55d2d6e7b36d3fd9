import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../../src-main/contract.js';
import { appendLines, filterLines, logsText } from './logs.svelte.js';

const line = (text: string, task = 'web.1', node = 'worker1'): LogLine => ({ task, node, stream: 'stdout', time: 't', text });

describe('log lines', () => {
  it('keep the newest up to a limit', () => {
    const kept = appendLines([line('a'), line('b')], [line('c'), line('d')], 3);
    expect(kept.map((l) => l.text)).toEqual(['b', 'c', 'd']);
  });

  it('filter by text or by task@node prefix, newest last, capped', () => {
    const lines = [line('GET /', 'web.1', 'worker1'), line('error: boom', 'web.2', 'worker2'), line('GET /x', 'web.2', 'worker2')];
    expect(filterLines(lines, 'ERROR').map((l) => l.text)).toEqual(['error: boom']);
    expect(filterLines(lines, 'web.2@worker2').map((l) => l.text)).toEqual(['error: boom', 'GET /x']);
    expect(filterLines(lines, '', 2).map((l) => l.text)).toEqual(['error: boom', 'GET /x']);
  });

  it('download as text, each line prefixed as docker service logs does', () => {
    expect(logsText([line('hello')])).toBe('t web.1@worker1 | hello\n');
    expect(logsText([])).toBe('');
  });
});
