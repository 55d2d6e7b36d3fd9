import { describe, expect, it } from 'vitest';
import { validateCompose } from './compose-keys.js';
import { planStack } from './stack-spec.js';
import { conflicts, type SwarmState } from './stack-state.js';

// What the swarm already has that a deploy could not use: found by the check, before anything is written.
const file = `
services:
  web: { image: x, networks: [back, edge], secrets: [token], configs: [app, shared] }
networks: { back: {}, edge: { external: true } }
secrets: { token: { external: true } }
configs: { app: { content: "v2" }, shared: { external: true } }
`;
const planned = () => {
  const v = validateCompose(file);
  return planStack('shop', v.file!, v.lineOf);
};
const ns = { 'com.docker.stack.namespace': 'shop' };
const object = (name: string, labels: Record<string, string> | null = null, data?: string) => ({
  ID: name,
  Version: { Index: 1 },
  Spec: { Name: name, Labels: labels, ...(data !== undefined && { Data: data }) },
});

describe('conflicts with the swarm', () => {
  it('names missing external objects', () => {
    const empty: SwarmState = { services: [], networks: [], secrets: [], configs: [] };
    expect(conflicts('shop', planned(), empty).map((f) => f.path)).toEqual(['networks.edge', 'secrets.token', 'configs.shared']);
  });

  it('refuses objects of the same name that are not the stack’s, local networks and a config whose content changed', () => {
    const state: SwarmState = {
      services: [object('shop_web', { other: 'x' })],
      networks: [
        { Id: 'n1', Name: 'shop_back', Scope: 'swarm', Labels: {} },
        { Id: 'n2', Name: 'edge', Scope: 'local', Labels: null },
      ],
      secrets: [object('token')],
      configs: [object('shop_app', ns, Buffer.from('v1').toString('base64')), object('shared')],
    };
    const found = conflicts('shop', planned(), state);
    expect(found.map((f) => [f.path, f.severity])).toEqual([
      ['networks.back', 'error'],
      ['networks.edge', 'error'],
      ['configs.app', 'error'],
      ['services.web', 'error'],
    ]);
    expect(found[2]!.message).toMatch(/a config cannot change; give it a new name/);
  });

  it('finds nothing when the swarm holds the stack’s own objects as they are', () => {
    const state: SwarmState = {
      services: [object('shop_web', ns)],
      networks: [
        { Id: 'n1', Name: 'shop_back', Scope: 'swarm', Labels: ns },
        { Id: 'n2', Name: 'edge', Scope: 'swarm', Labels: null },
      ],
      secrets: [object('token')],
      configs: [object('shop_app', ns, Buffer.from('v2').toString('base64')), object('shared')],
    };
    expect(conflicts('shop', planned(), state)).toEqual([]);
  });
});
