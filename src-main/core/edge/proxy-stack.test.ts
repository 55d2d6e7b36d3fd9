import { describe, expect, it } from 'vitest';
import { edgeProxyStackSchema } from '../api/schemas.js';
import { validateCompose } from '../stacks/compose-keys.js';
import { planStack } from '../stacks/stack-spec.js';
import { proxyStackCompose } from './proxy-stack.js';

// The template goes through the same check and conversion as a compose file the operator pastes
// into Stacks: what it gives is the spec `docker stack deploy` would send.
const input = {
  image: 'haproxy:2.9',
  label: { key: 'edge', value: 'true' },
  ports: [
    { published: 80, target: 8080 },
    { published: 443, target: 8443 },
  ],
  network: 'edge',
};

function planOf(text: string) {
  const checked = validateCompose(text);
  expect(checked.findings).toEqual([]);
  const plan = planStack('edge-proxy', checked.file!, checked.lineOf);
  expect(plan.findings).toEqual([]);
  return plan;
}

describe('proxy stack template', () => {
  it('is a compose file the stack check accepts: one global service on the edge nodes, host-mode ports, its own overlay', () => {
    const plan = planOf(proxyStackCompose(input));
    expect(plan.services.map((s) => s.name)).toEqual(['edge-proxy_proxy']);
    const spec = plan.services[0]!.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(spec.Mode).toEqual({ Global: {} });
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe('haproxy:2.9');
    expect(spec.TaskTemplate.Placement.Constraints).toEqual(['node.labels.edge == true']);
    expect(spec.EndpointSpec.Ports).toEqual([
      { TargetPort: 8080, PublishedPort: 80, Protocol: 'tcp', PublishMode: 'host' },
      { TargetPort: 8443, PublishedPort: 443, Protocol: 'tcp', PublishMode: 'host' },
    ]);
    expect(spec.UpdateConfig).toMatchObject({ Parallelism: 1, FailureAction: 'rollback', Order: 'stop-first' });
    expect(plan.networks.map((n) => n.name)).toEqual(['edge-proxy_edge']);
  });

  it('keeps an image reference with a registry port and digest as one quoted value', () => {
    const image = 'registry.internal:5000/ops/proxy@sha256:' + 'a'.repeat(64);
    const plan = planOf(proxyStackCompose({ ...input, image }));
    expect((plan.services[0]!.spec as { TaskTemplate: { ContainerSpec: { Image: string } } }).TaskTemplate.ContainerSpec.Image).toBe(image);
  });

  it('refuses values that could change the file: a label value with a quote, a port used twice', () => {
    expect(edgeProxyStackSchema.safeParse({ ...input, label: { key: 'edge', value: 'true"\n  x' } }).success).toBe(false);
    expect(
      edgeProxyStackSchema.safeParse({
        ...input,
        ports: [
          { published: 80, target: 80 },
          { published: 80, target: 81 },
        ],
      }).success,
    ).toBe(false);
    expect(edgeProxyStackSchema.safeParse(input).success).toBe(true);
  });
});
