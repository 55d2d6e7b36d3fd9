import { describe, expect, it } from 'vitest';
import type { RegistryProgress, TopologyNode } from '../../../../../src-main/contract.js';
import { addressAfterNodeChange, emptyRegistryForm, progressLines, registryFormFrom, stepKey, toRegistryConfig } from './registry-form.js';

const nodes = [
  { id: 'a', address: '10.0.0.1' },
  { id: 'b', address: '10.0.0.2' },
] as TopologyNode[];

describe('the registry form', () => {
  it('the address follows the node until the operator types another', () => {
    const form = emptyRegistryForm();
    expect(addressAfterNodeChange(form, nodes, 'a')).toBe('10.0.0.1');
    expect(addressAfterNodeChange({ ...form, nodeId: 'a', address: '10.0.0.1' }, nodes, 'b')).toBe('10.0.0.2');
    expect(addressAfterNodeChange({ ...form, nodeId: 'a', address: 'registry.lan' }, nodes, 'b')).toBe('registry.lan');
  });

  it('builds the TLS config with a login, and never a login without TLS', () => {
    const form = { ...emptyRegistryForm(), nodeId: 'a', address: ' 10.0.0.1 ', auth: true, username: 'ops' };
    expect(toRegistryConfig(form, 'short').invalid).toEqual(['password']);
    expect(toRegistryConfig(form, 'long enough').config).toEqual({
      nodeId: 'a',
      port: 5000,
      publish: 'host',
      image: 'registry:2',
      mode: 'tls',
      address: '10.0.0.1',
      username: 'ops',
      acknowledgeInsecure: false,
      network: null,
    });
    const insecure = { ...form, mode: 'insecure' as const };
    expect(toRegistryConfig(insecure, '').invalid).toEqual(['acknowledgeInsecure']);
    const config = toRegistryConfig({ ...insecure, acknowledgeInsecure: true }, '').config;
    expect(config).toMatchObject({ mode: 'insecure', username: null, acknowledgeInsecure: true });
    expect(registryFormFrom(config!)).toMatchObject({ auth: false, username: '', mode: 'insecure' });
  });

  it('names every field a deploy cannot go without', () => {
    const form = { ...emptyRegistryForm(), port: '70000', image: ' ' };
    expect(toRegistryConfig(form, '').invalid).toEqual(['nodeId', 'port', 'image', 'address']);
  });
});

describe('progress lines', () => {
  it('one line per step and target, in the plan’s order, then steps the plan did not list', () => {
    const seen = new Map<string, RegistryProgress>([
      [stepKey('restart', 'w1'), { clusterId: 'c', step: 'restart', target: 'w1', state: 'done' }],
      [stepKey('verify-run', null), { clusterId: 'c', step: 'verify-run', target: null, state: 'running' }],
    ]);
    const lines = progressLines(
      [
        { step: 'restart', target: 'w1' },
        { step: 'restart', target: 'm1' },
      ],
      seen,
    );
    expect(lines.map((l) => [l.key, l.progress?.state])).toEqual([
      ['restart|w1', 'done'],
      ['restart|m1', undefined],
      ['verify-run|', 'running'],
    ]);
  });
});
