import { describe, expect, it } from 'vitest';
import type { ServiceCreateInput } from '../../contract.js';
import { findNetwork, serviceCreateCommand, toServiceSpec, validateServiceInput, type NetworkRef } from './service-spec.js';

type Input = Omit<ServiceCreateInput, 'clusterId'>;

const defaults = { parallelism: 1, delaySeconds: 0, failureAction: 'pause', order: 'stop-first' } as const;
const base = (patch: Partial<Input> = {}): Input => ({
  name: 'web',
  image: 'lab/busybox:latest',
  mode: 'replicated',
  replicas: 2,
  args: [],
  ports: [],
  networks: [],
  env: [],
  mounts: [],
  constraints: [],
  update: defaults,
  rollback: defaults,
  ...patch,
});
const networks: NetworkRef[] = [
  { Id: 'aaaaaaaaaaaa1111', Name: 'backend', Scope: 'swarm' },
  { Id: 'bbbbbbbbbbbb2222', Name: 'ingress', Scope: 'swarm', Ingress: true },
  { Id: 'cccccccccccc3333', Name: 'bridge', Scope: 'local' },
];

describe('toServiceSpec', () => {
  it('maps every field of the form to Docker’s spec', () => {
    const spec = toServiceSpec(
      base({
        args: ['sh', '-c', 'sleep 1'],
        ports: [
          { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' },
          { target: 53, published: null, protocol: 'udp', mode: 'ingress' },
        ],
        networks: ['backend'],
        env: ['A=1', 'B=x=y'],
        mounts: [
          { type: 'volume', source: 'data', target: '/data', readOnly: false },
          { type: 'bind', source: '/etc/hosts', target: '/h', readOnly: true },
          { type: 'tmpfs', source: '', target: '/tmp', readOnly: false },
        ],
        constraints: ['node.role==worker'],
        update: { parallelism: 2, delaySeconds: 1.5, failureAction: 'rollback', order: 'start-first' },
        rollback: { parallelism: 0, delaySeconds: 10, failureAction: 'continue', order: 'stop-first' },
      }),
      networks,
    );
    expect(spec).toEqual({
      Name: 'web',
      Labels: {},
      TaskTemplate: {
        ContainerSpec: {
          Image: 'lab/busybox:latest',
          Args: ['sh', '-c', 'sleep 1'],
          Env: ['A=1', 'B=x=y'],
          Mounts: [
            { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false },
            { Type: 'bind', Source: '/etc/hosts', Target: '/h', ReadOnly: true },
            { Type: 'tmpfs', Target: '/tmp', ReadOnly: false },
          ],
        },
        Placement: { Constraints: ['node.role==worker'] },
        Networks: [{ Target: 'aaaaaaaaaaaa1111' }],
      },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: { Parallelism: 2, Delay: 1_500_000_000, FailureAction: 'rollback', Order: 'start-first' },
      RollbackConfig: { Parallelism: 0, Delay: 10_000_000_000, FailureAction: 'continue', Order: 'stop-first' },
      EndpointSpec: {
        Ports: [
          { TargetPort: 80, PublishedPort: 8080, Protocol: 'tcp', PublishMode: 'ingress' },
          { TargetPort: 53, Protocol: 'udp', PublishMode: 'ingress' },
        ],
      },
    });
  });

  it('leaves Args out to keep the image’s command, and gives a global service no replica count', () => {
    const spec = toServiceSpec(base({ mode: 'global', replicas: 5 }), []);
    expect(spec.TaskTemplate.ContainerSpec).not.toHaveProperty('Args');
    expect(spec.Mode).toEqual({ Global: {} });
  });

  it('leaves an anonymous volume without a source', () => {
    const spec = toServiceSpec(base({ mounts: [{ type: 'volume', source: '', target: '/v', readOnly: false }] }), []);
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([{ Type: 'volume', Target: '/v', ReadOnly: false }]);
  });

  it('counts delays in nanoseconds, rounding away float noise', () => {
    const spec = toServiceSpec(base({ update: { ...defaults, delaySeconds: 0.1 } }), []);
    expect(spec.UpdateConfig.Delay).toBe(100_000_000);
    expect(Number.isInteger(spec.UpdateConfig.Delay)).toBe(true);
  });
});

describe('validateServiceInput', () => {
  const paths = (input: Input) => validateServiceInput(input, networks).map((i) => i.path);

  it('accepts a full, consistent input', () => {
    const input = base({
      ports: [
        { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' },
        { target: 80, published: 8080, protocol: 'udp', mode: 'ingress' },
        { target: 81, published: 9090, protocol: 'tcp', mode: 'host' },
      ],
      networks: ['backend'],
      mounts: [
        { type: 'bind', source: '/srv', target: '/srv', readOnly: true },
        { type: 'tmpfs', source: '', target: '/tmp', readOnly: false },
        { type: 'volume', source: '', target: '/v', readOnly: false },
      ],
    });
    expect(validateServiceInput(input, networks)).toEqual([]);
  });

  it('refuses a published port given twice for one protocol', () => {
    const ports = [
      { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' },
      { target: 81, published: 8080, protocol: 'tcp', mode: 'ingress' },
    ] as const;
    expect(paths(base({ ports: [...ports] }))).toEqual(['ports.1.published']);
  });

  it('refuses a host-mode port without a published port; ingress may leave it to Docker', () => {
    expect(paths(base({ ports: [{ target: 80, published: null, protocol: 'tcp', mode: 'host' }] }))).toEqual(['ports.0.published']);
    expect(paths(base({ ports: [{ target: 80, published: null, protocol: 'tcp', mode: 'ingress' }] }))).toEqual([]);
  });

  it('refuses a relative bind source, a tmpfs with a source, and a target mounted twice', () => {
    const issues = validateServiceInput(
      base({
        mounts: [
          { type: 'bind', source: 'srv', target: '/a', readOnly: false },
          { type: 'tmpfs', source: 'x', target: '/b', readOnly: false },
          { type: 'volume', source: 'v', target: '/a', readOnly: false },
        ],
      }),
      networks,
    );
    expect(issues.map((i) => i.path)).toEqual(['mounts.0.source', 'mounts.1.source', 'mounts.2.target']);
    expect(issues.every((i) => i.code === 'INVALID_VALUE')).toBe(true);
  });

  it('refuses a network the swarm lacks, a local one, the routing mesh, and one given twice', () => {
    expect(paths(base({ networks: ['nope', 'bridge', 'ingress'] }))).toEqual(['networks.0', 'networks.1', 'networks.2']);
    expect(paths(base({ networks: ['backend', 'backend'] }))).toEqual(['networks']);
  });

  it('refuses a rollback whose failure action is to roll back', () => {
    expect(paths(base({ rollback: { ...defaults, failureAction: 'rollback' } }))).toEqual(['rollback.failureAction']);
    expect(paths(base({ update: { ...defaults, failureAction: 'rollback' } }))).toEqual([]);
  });
});

describe('findNetwork', () => {
  it('finds by name, full ID, or a unique ID prefix of 6 or more', () => {
    expect(findNetwork('backend', networks)?.Id).toBe('aaaaaaaaaaaa1111');
    expect(findNetwork('bbbbbbbbbbbb2222', networks)?.Name).toBe('ingress');
    expect(findNetwork('cccccc', networks)?.Name).toBe('bridge');
    expect(findNetwork('ccc', networks)).toBeUndefined();
  });
});

describe('serviceCreateCommand', () => {
  it('spells the create as the CLI would, without env values', () => {
    const command = serviceCreateCommand(
      base({
        args: ['sh', '-c', 'echo hi'],
        ports: [{ target: 80, published: null, protocol: 'tcp', mode: 'ingress' }],
        networks: ['backend'],
        env: ['PASSWORD=hunter22'],
        mounts: [{ type: 'tmpfs', source: '', target: '/tmp', readOnly: true }],
        constraints: ['node.labels.zone == a'],
      }),
    );
    expect(command).toBe(
      "docker service create --name web --replicas 2 --publish target=80,protocol=tcp,mode=ingress --network backend --env PASSWORD=… --mount type=tmpfs,target=/tmp,readonly --constraint 'node.labels.zone == a' --update-parallelism 1 --update-delay 0s --update-failure-action pause --update-order stop-first --rollback-parallelism 1 --rollback-delay 0s --rollback-failure-action pause --rollback-order stop-first lab/busybox:latest sh -c 'echo hi'",
    );
    expect(command).not.toContain('hunter22');
  });

  it('says --mode global instead of a replica count', () => {
    expect(serviceCreateCommand(base({ mode: 'global' }))).toContain('--mode global');
    expect(serviceCreateCommand(base({ mode: 'global' }))).not.toContain('--replicas');
  });
});
