import { describe, expect, it } from 'vitest';
import type { TopologyNode } from '../../contract.js';
import { edgeConfigureSchema } from '../api/schemas.js';
import { renderTargets, selectTargets } from './edge-targets.js';

function node(hostname: string, over: Partial<TopologyNode> = {}): TopologyNode {
  return {
    id: `id-${hostname}`,
    hostname,
    role: 'worker',
    leader: false,
    reachability: null,
    availability: 'active',
    state: 'ready',
    engine: '20.10.24',
    address: `10.0.0.${hostname.length}`,
    labels: {},
    nanoCpus: 0,
    memoryBytes: 0,
    ...over,
  };
}

const nodes = [
  node('w2', { address: '10.0.0.12', labels: { edge: 'true' } }),
  node('m1', { role: 'manager', address: '10.0.0.1', labels: { edge: 'false' } }),
  node('w1', { address: '10.0.0.11', labels: { edge: 'true' } }),
  node('drained', { availability: 'drain', address: '10.0.0.20', labels: { edge: 'true' } }),
  node('paused', { availability: 'pause', address: '10.0.0.21', labels: { edge: 'true' } }),
  node('down', { state: 'down', address: '10.0.0.22', labels: { edge: 'true' } }),
  node('unknown', { state: 'unknown', address: '10.0.0.23' }),
  node('noaddr', { address: '0.0.0.0' }),
];

describe('selectTargets', () => {
  it('keeps Ready + Active nodes with an address, sorted by hostname', () => {
    const targets = selectTargets(nodes, { port: 8080, label: null });
    expect(targets.map((t) => t.hostname)).toEqual(['m1', 'w1', 'w2']);
    expect(targets[0]).toEqual({ nodeId: 'id-m1', hostname: 'm1', address: '10.0.0.1', port: 8080 });
  });

  it('leaves out drained, paused, down and unknown nodes', () => {
    const names = selectTargets(nodes, { port: 80, label: null }).map((t) => t.hostname);
    for (const gone of ['drained', 'paused', 'down', 'unknown', 'noaddr']) expect(names).not.toContain(gone);
  });

  it('filters on a label key and value, or on the key alone', () => {
    expect(selectTargets(nodes, { port: 80, label: { key: 'edge', value: 'true' } }).map((t) => t.hostname)).toEqual(['w1', 'w2']);
    expect(selectTargets(nodes, { port: 80, label: { key: 'edge', value: null } }).map((t) => t.hostname)).toEqual(['m1', 'w1', 'w2']);
    expect(selectTargets(nodes, { port: 80, label: { key: 'zone', value: null } })).toEqual([]);
  });

  it('orders the same whatever the input order, and breaks hostname ties by ID', () => {
    const twins = [node('same', { id: 'b', address: '10.0.0.2' }), node('same', { id: 'a', address: '10.0.0.1' })];
    expect(selectTargets(twins, { port: 1, label: null }).map((t) => t.nodeId)).toEqual(['a', 'b']);
    expect(selectTargets([...nodes].reverse(), { port: 1, label: null })).toEqual(selectTargets(nodes, { port: 1, label: null }));
  });
});

describe('renderTargets', () => {
  const targets = selectTargets(nodes, { port: 8080, label: null });

  it('plain: one addr:port per line', () => {
    expect(renderTargets(targets, 'plain', 'web')).toBe('10.0.0.1:8080\n10.0.0.11:8080\n10.0.0.12:8080\n');
    expect(renderTargets([], 'plain', 'web')).toBe('');
  });

  it('nginx: an upstream block with one server line per node', () => {
    expect(renderTargets(targets, 'nginx', 'swarm_web')).toBe(
      [
        '# Written by Swarmdeck from the swarm nodes; changes here are overwritten.',
        'upstream swarm_web {',
        '    server 10.0.0.1:8080;',
        '    server 10.0.0.11:8080;',
        '    server 10.0.0.12:8080;',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('nginx: an empty list still loads (a server marked down)', () => {
    expect(renderTargets([], 'nginx', 'web')).toContain('    server 127.0.0.1:1 down;\n}');
  });

  it('haproxy: a backend with a checked server per node, unique server names', () => {
    const text = renderTargets(targets, 'haproxy', 'swarm_web');
    expect(text.split('\n').slice(1)).toEqual([
      'backend swarm_web',
      '    server m1 10.0.0.1:8080 check',
      '    server w1 10.0.0.11:8080 check',
      '    server w2 10.0.0.12:8080 check',
      '',
    ]);
    const twins = selectTargets([node('a b', { id: '1' }), node('a b', { id: '2' })], { port: 80, label: null });
    expect(renderTargets(twins, 'haproxy', 'x')).toMatch(/server a_b \S+ check\n {4}server a_b-2 \S+ check\n$/);
  });

  it('json: name and targets, parseable', () => {
    const parsed = JSON.parse(renderTargets(targets, 'json', 'web')) as unknown;
    expect(parsed).toEqual({
      name: 'web',
      targets: [
        { hostname: 'm1', address: '10.0.0.1', port: 8080 },
        { hostname: 'w1', address: '10.0.0.11', port: 8080 },
        { hostname: 'w2', address: '10.0.0.12', port: 8080 },
      ],
    });
  });

  it('brackets an IPv6 address', () => {
    const v6 = selectTargets([node('v6', { address: 'fd00::5' })], { port: 443, label: null });
    expect(renderTargets(v6, 'plain', 'x')).toBe('[fd00::5]:443\n');
    expect(renderTargets(v6, 'nginx', 'x')).toContain('server [fd00::5]:443;');
  });
});

describe('edgeConfigureSchema', () => {
  const base = { port: 80, label: null, format: 'nginx', name: 'web', output: { kind: 'file', path: '/etc/nginx/conf.d/swarm.conf' } };
  const parse = (config: unknown) => edgeConfigureSchema.safeParse({ clusterId: 'c-1', config });

  it('takes a local file and a remote one with a reload command', () => {
    expect(parse(base).success).toBe(true);
    expect(parse({ ...base, output: { kind: 'file', path: 'C:\\edge\\list.txt' } }).success).toBe(true);
    const ssh = { kind: 'ssh', host: 'proxy1', path: '/etc/nginx/conf.d/swarm.conf', reload: ['nginx', '-s', 'reload'], sudo: true };
    expect(parse({ ...base, label: { key: 'edge', value: 'true' }, output: ssh }).success).toBe(true);
    expect(parse({ ...base, output: { ...ssh, reload: null } }).success).toBe(true);
  });

  it('refuses relative paths, folders, control characters, odd names, empty reload commands and unknown keys', () => {
    expect(parse({ ...base, output: { kind: 'file', path: 'swarm.conf' } }).success).toBe(false);
    expect(parse({ ...base, output: { kind: 'file', path: '/etc/nginx/' } }).success).toBe(false);
    expect(parse({ ...base, output: { kind: 'file', path: '/tmp/a\nb' } }).success).toBe(false);
    expect(parse({ ...base, name: 'web; include /etc/passwd' }).success).toBe(false);
    expect(parse({ ...base, port: 0 }).success).toBe(false);
    const ssh = { kind: 'ssh', host: 'proxy1', path: '/x.conf', reload: [], sudo: false };
    expect(parse({ ...base, output: ssh }).success).toBe(false);
    expect(parse({ ...base, output: { ...ssh, reload: null, host: '-oProxyCommand=x' } }).success).toBe(false);
    expect(parse({ ...base, output: { ...ssh, reload: null, path: 'relative' } }).success).toBe(false);
    expect(parse({ ...base, extra: 1 }).success).toBe(false);
  });
});
