import { describe, expect, it } from 'vitest';
import { Demuxer, parseLine } from './service-logs.js';

const frame = (kind: 1 | 2, text: string): Buffer => {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe('service logs', () => {
  it('splits Docker frames into lines, across chunk and frame boundaries, per stream', () => {
    const lines: string[] = [];
    const demux = new Demuxer((stream, line) => lines.push(`${stream}:${line}`));
    const bytes = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'oops\n'), frame(1, 'o\nthree\n')]);
    for (let i = 0; i < bytes.length; i += 5) demux.push(bytes.subarray(i, i + 5));
    expect(lines).toEqual(['stdout:one', 'stderr:oops', 'stdout:two', 'stdout:three']);
  });

  it('names each line by task slot and node hostname, as docker service logs prefixes it', () => {
    const names = { tasks: new Map([['task1', 'web.2']]), nodes: new Map([['node1', 'worker1']]) };
    const line =
      '2026-11-28T05:00:00.123456789Z com.docker.swarm.node.id=node1,com.docker.swarm.service.id=svc,com.docker.swarm.task.id=task1 GET / 200';
    expect(parseLine(line, 'stdout', names)).toEqual({
      task: 'web.2',
      node: 'worker1',
      stream: 'stdout',
      time: '2026-11-28T05:00:00.123456789Z',
      text: 'GET / 200',
    });
    expect(parseLine('no prefix here', 'stderr', names)).toMatchObject({ task: '', text: 'no prefix here' });
  });
});
