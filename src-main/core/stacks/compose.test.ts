import { describe, expect, it } from 'vitest';
import type { ComposeFinding } from '../../contract.js';
import { validateCompose } from './compose-keys.js';
import { bytes, nanoseconds, shellWords, shortPorts, shortVolume } from './compose-values.js';
import { planStack, type StackPlan } from './stack-spec.js';

// The compose file as `docker stack deploy` reads it: what is honoured becomes the API spec the CLI
// would send; what is ignored is listed; what is wrong is an error with where it is.

function plan(text: string, stack = 'shop'): { plan: StackPlan | null; findings: ComposeFinding[] } {
  const v = validateCompose(text);
  if (!v.file) return { plan: null, findings: v.findings };
  const p = planStack(stack, v.file, v.lineOf);
  return { plan: p, findings: [...v.findings, ...p.findings] };
}
const service = (p: StackPlan | null, name: string) => {
  const s = p?.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const errors = (f: ComposeFinding[]) => f.filter((x) => x.severity === 'error');

describe('reading the file', () => {
  it('reports a YAML error with its line', () => {
    const { findings } = plan('services:\n  web:\n    image: nginx\n   bad: [\n');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', code: 'COMPOSE_INVALID' });
    expect(findings[0]!.message).toMatch(/^line 4: /);
  });

  it('refuses duplicate keys', () => {
    expect(errors(plan('services:\n  web:\n    image: a\n    image: b\n').findings)).toHaveLength(1);
  });

  it('refuses an alias bomb', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    lines.push('services: { web: { image: x, command: *i } }');
    const { findings } = plan(lines.join('\n'));
    expect(findings[0]!.message).toMatch(/aliases/);
  });

  it('accepts anchors and merge keys, and ignores x- extensions', () => {
    const { plan: p, findings } = plan(`
version: "3.8"
x-common: &common
  image: lab/busybox:latest
  environment: { TZ: UTC }
services:
  a:
    <<: *common
    x-note: mine
  b: *common
`);
    expect(findings).toEqual([]);
    expect(service(p, 'shop_a').TaskTemplate.ContainerSpec.Env).toEqual(['TZ=UTC']);
    expect(service(p, 'shop_b').TaskTemplate.ContainerSpec.Image).toBe('lab/busybox:latest');
  });

  it('refuses a variable, with its line, and turns $$ into $', () => {
    const { plan: p, findings } = plan('services:\n  web:\n    image: nginx:${TAG}\n  ok:\n    image: x\n    command: echo $$HOME\n');
    expect(errors(findings)).toEqual([
      expect.objectContaining({ path: 'services.web.image', message: expect.stringMatching(/^line 3: "\$\{TAG\}" is a variable/) }),
    ]);
    expect(p).not.toBeNull();
    expect(service(p, 'shop_ok').TaskTemplate.ContainerSpec.Args).toEqual(['echo', '$HOME']);
    expect(errors(plan('services: { web: { image: x, command: echo $HOME } }').findings)[0]!.message).toMatch(/"\$HOME" is a variable/);
  });

  it('takes version 3.x and none, refuses version 2', () => {
    expect(plan('version: "3"\nservices: { a: { image: x } }').findings).toEqual([]);
    expect(plan('version: 3.9\nservices: { a: { image: x } }').findings).toEqual([]);
    expect(errors(plan('version: "2.4"\nservices: { a: { image: x } }').findings)[0]).toMatchObject({ path: 'version' });
  });

  it('names an unknown key as an error, with its path and line', () => {
    const { findings } = plan('services:\n  web:\n    image: x\n    imagee: y\n    deploy:\n      replica: 2\n');
    expect(errors(findings).map((f) => f.path)).toEqual(['services.web.imagee', 'services.web.deploy.replica']);
    expect(findings[0]!.message).toBe('line 4: services.web.imagee: "imagee" is not a compose key');
    expect(findings[1]!.message).toMatch(/^line 6: /);
  });

  it('requires an image', () => {
    const { findings } = plan('services:\n  web:\n    command: x\n');
    expect(findings[0]).toMatchObject({ path: 'services.web.image', message: expect.stringMatching(/image is required/) });
  });
});

describe('keys a stack deploy does not honour', () => {
  const keys = {
    build: '.',
    container_name: 'x',
    depends_on: '[db]',
    links: '[db]',
    external_links: '[db]',
    expose: '["80"]',
    devices: '["/dev/fuse"]',
    privileged: 'true',
    network_mode: 'host',
    restart: 'always',
    security_opt: '[a]',
    userns_mode: 'host',
    cgroup_parent: 'x',
    ulimits: '{ nofile: 10 }',
    env_file: '.env',
    ipc: 'host',
    pid: 'host',
    shm_size: '64M',
    tmpfs: '/tmp',
    mem_limit: '1G',
    cpus: '0.5',
    profiles: '[a]',
  };
  it.each(Object.entries(keys))('%s is listed as unsupported, and the rest deploys', (key, value) => {
    const { plan: p, findings } = plan(`services:\n  web:\n    image: x\n    ${key}: ${value}\n`);
    expect(findings).toEqual([
      {
        severity: 'unsupported',
        code: 'COMPOSE_UNSUPPORTED',
        path: `services.web.${key}`,
        message: expect.stringMatching(new RegExp(`^line 4: ${key}: .+`)),
      },
    ]);
    expect(p?.services).toHaveLength(1);
  });

  it('refuses secrets and configs from files, pointing to the Secrets & configs tab', () => {
    const { findings } = plan('services: { a: { image: x } }\nsecrets:\n  db:\n    file: ./db.txt\nconfigs:\n  c:\n    file: ./c.conf\n');
    const refused = findings.filter((f) => f.code === 'COMPOSE_UNSUPPORTED');
    expect(refused.map((f) => [f.severity, f.path])).toEqual([
      ['error', 'secrets.db.file'],
      ['error', 'configs.c.file'],
    ]);
    expect(refused[0]!.message).toMatch(/Secrets & configs tab and declare it external: true/);
  });

  it('lists a port bound to a host address, an environment variable without a value and a fixed address', () => {
    const { findings } = plan(
      'services:\n  a:\n    image: x\n    ports: ["127.0.0.1:80:80"]\n    environment: [HOME]\n    networks: { back: { ipv4_address: 10.0.0.2 } }\nnetworks: { back: {} }\n',
    );
    expect(findings.map((f) => [f.severity, f.path])).toEqual([
      ['unsupported', 'services.a.environment.HOME'],
      ['unsupported', 'services.a.networks.back'],
      ['unsupported', 'services.a.ports.0'],
    ]);
  });

  it('refuses a relative bind mount and undeclared volumes, networks, secrets and configs', () => {
    const { findings } = plan(
      'services:\n  a:\n    image: x\n    volumes: ["./data:/data", "nope:/x"]\n    networks: [missing]\n    secrets: [s]\n    configs: [c]\n',
    );
    expect(errors(findings).map((f) => f.path)).toEqual([
      'services.a.volumes.0',
      'services.a.volumes.1',
      'services.a.secrets.0',
      'services.a.configs.0',
      'services.a.networks.missing',
    ]);
  });
});

describe('the Docker API specs', () => {
  it('names and labels everything as docker stack deploy does', () => {
    const { plan: p } = plan(`
services:
  web:
    image: lab/busybox:latest
    labels: [tier=front]
    deploy: { labels: { team: shop } }
  db:
    image: lab/busybox:latest
    networks: [back]
    secrets: [token]
    configs: [conf]
networks:
  back: { attachable: true, driver_opts: { encrypted: "" }, ipam: { config: [{ subnet: 10.20.0.0/24 }] } }
  unused: {}
secrets:
  token: { external: true }
configs:
  conf: { content: "hello" }
  shared: { external: true, name: common }
`);
    const web = service(p, 'shop_web');
    expect(web.Labels).toEqual({ team: 'shop', 'com.docker.stack.image': 'lab/busybox:latest', 'com.docker.stack.namespace': 'shop' });
    expect(web.TaskTemplate.ContainerSpec.Labels).toEqual({ tier: 'front', 'com.docker.stack.namespace': 'shop' });
    expect(web.TaskTemplate.Networks).toEqual([{ Target: 'shop_default', Aliases: ['web'] }]);
    expect(service(p, 'shop_db').TaskTemplate.Networks).toEqual([{ Target: 'shop_back', Aliases: ['db'] }]);
    expect(p!.networks.map((n) => n.name)).toEqual(['shop_back', 'shop_default']);
    expect(p!.networks[0]!.spec).toMatchObject({
      Name: 'shop_back',
      Driver: 'overlay',
      Scope: 'swarm',
      Attachable: true,
      Options: { encrypted: '' },
      Labels: { 'com.docker.stack.namespace': 'shop' },
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.20.0.0/24' }] },
    });
    expect(p!.secrets).toEqual([{ key: 'token', name: 'token', external: true, spec: null }]);
    expect(p!.configs[0]).toMatchObject({
      name: 'shop_conf',
      spec: { Name: 'shop_conf', Data: Buffer.from('hello').toString('base64'), Labels: { 'com.docker.stack.namespace': 'shop' } },
    });
    expect(p!.configs[1]).toMatchObject({ name: 'common', external: true, spec: null });
    const container = service(p, 'shop_db').TaskTemplate.ContainerSpec;
    expect(container.Secrets).toEqual([{ File: { Name: 'token', UID: '0', GID: '0', Mode: 0o444 }, SecretName: 'token' }]);
    expect(container.Configs).toEqual([{ File: { Name: '/conf', UID: '0', GID: '0', Mode: 0o444 }, ConfigName: 'shop_conf' }]);
  });

  it('converts every supported service key', () => {
    const { plan: p, findings } = plan(`
services:
  web:
    image: lab/busybox:latest
    entrypoint: ["/bin/sh", "-c"]
    command: 'echo "a b" c'
    environment: { B: 2, A: "x=y" }
    ports: ["8080:80", "53:53/udp", 9000, { target: 443, published: 8443, mode: host }]
    volumes:
      - data:/data:ro
      - /srv/logs:/logs
      - { type: tmpfs, target: /tmp, tmpfs: { size: 64M } }
      - /anon
    secrets: [{ source: s, target: db_password, uid: "100", gid: "101", mode: 0400 }]
    configs: [{ source: c, target: /etc/app.conf, mode: 0440 }]
    networks: { front: { aliases: [www] } }
    deploy:
      mode: replicated
      replicas: 3
      endpoint_mode: dnsrr
      placement: { constraints: [node.role==worker], preferences: [{ spread: node.labels.zone }], max_replicas_per_node: 2 }
      resources: { limits: { cpus: "0.5", memory: 128M }, reservations: { cpus: 0.25, memory: 1G } }
      restart_policy: { condition: on-failure, delay: 5s, max_attempts: 3, window: 1m30s }
      update_config: { parallelism: 2, delay: 10s, order: start-first, failure_action: rollback, monitor: 500ms, max_failure_ratio: 0.1 }
      rollback_config: { parallelism: 0 }
    healthcheck: { test: wget -q -O- localhost, interval: 30s, timeout: 5s, retries: 3, start_period: 10s }
    hostname: web-host
    user: "1000:1000"
    working_dir: /app
    stop_grace_period: 1m
    stop_signal: SIGINT
    init: true
    read_only: true
    tty: true
    stdin_open: true
    extra_hosts: ["db.local:10.0.0.5"]
    dns: 1.1.1.1
    dns_search: [example.com]
    logging: { driver: json-file, options: { max-size: 10m } }
    cap_add: [NET_ADMIN]
    sysctls: { net.core.somaxconn: 1024 }
  agent:
    image: lab/busybox:latest
    deploy: { mode: global }
    healthcheck: { disable: true }
networks: { front: {} }
volumes: { data: { driver: local, driver_opts: { type: none } } }
secrets: { s: { external: true } }
configs: { c: { external: true } }
`);
    expect(findings).toEqual([]);
    const web = service(p, 'shop_web');
    const c = web.TaskTemplate.ContainerSpec;
    expect(c).toMatchObject({
      Command: ['/bin/sh', '-c'],
      Args: ['echo', 'a b', 'c'],
      Env: ['A=x=y', 'B=2'],
      Hostname: 'web-host',
      User: '1000:1000',
      Dir: '/app',
      StopGracePeriod: 60e9,
      StopSignal: 'SIGINT',
      Init: true,
      ReadOnly: true,
      TTY: true,
      OpenStdin: true,
      Hosts: ['10.0.0.5 db.local'],
      DNSConfig: { Nameservers: ['1.1.1.1'], Search: ['example.com'], Options: [] },
      CapabilityAdd: ['NET_ADMIN'],
      Sysctls: { 'net.core.somaxconn': '1024' },
      Healthcheck: { Test: ['CMD-SHELL', 'wget -q -O- localhost'], Interval: 30e9, Timeout: 5e9, Retries: 3, StartPeriod: 10e9 },
    });
    expect(c.Mounts).toEqual([
      {
        Type: 'volume',
        Source: 'shop_data',
        Target: '/data',
        ReadOnly: true,
        VolumeOptions: {
          NoCopy: false,
          Labels: { 'com.docker.stack.namespace': 'shop' },
          DriverConfig: { Name: 'local', Options: { type: 'none' } },
        },
      },
      { Type: 'bind', Source: '/srv/logs', Target: '/logs', ReadOnly: false },
      { Type: 'tmpfs', Target: '/tmp', ReadOnly: false, TmpfsOptions: { SizeBytes: 64 * 1024 ** 2 } },
      { Type: 'volume', Target: '/anon', ReadOnly: false },
    ]);
    // YAML 1.1, as Docker reads it: 0400 is octal.
    expect(c.Secrets[0].File).toEqual({ Name: 'db_password', UID: '100', GID: '101', Mode: 0o400 });
    expect(c.Configs[0].File).toEqual({ Name: '/etc/app.conf', UID: '0', GID: '0', Mode: 0o440 });
    expect(web.TaskTemplate.Networks).toEqual([{ Target: 'shop_front', Aliases: ['web', 'www'] }]);
    expect(web.EndpointSpec).toEqual({
      Mode: 'dnsrr',
      Ports: [
        { Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'ingress' },
        { Protocol: 'udp', TargetPort: 53, PublishedPort: 53, PublishMode: 'ingress' },
        { Protocol: 'tcp', TargetPort: 9000, PublishMode: 'ingress' },
        { Protocol: 'tcp', TargetPort: 443, PublishedPort: 8443, PublishMode: 'host' },
      ],
    });
    expect(web.Mode).toEqual({ Replicated: { Replicas: 3 } });
    expect(web.TaskTemplate.Placement).toEqual({
      Constraints: ['node.role==worker'],
      Preferences: [{ Spread: { SpreadDescriptor: 'node.labels.zone' } }],
      MaxReplicas: 2,
    });
    expect(web.TaskTemplate.Resources).toEqual({
      Limits: { NanoCPUs: 5e8, MemoryBytes: 128 * 1024 ** 2 },
      Reservations: { NanoCPUs: 2.5e8, MemoryBytes: 1024 ** 3 },
    });
    expect(web.TaskTemplate.RestartPolicy).toEqual({ Condition: 'on-failure', Delay: 5e9, MaxAttempts: 3, Window: 90e9 });
    expect(web.UpdateConfig).toEqual({
      Parallelism: 2,
      Delay: 10e9,
      Order: 'start-first',
      FailureAction: 'rollback',
      Monitor: 5e8,
      MaxFailureRatio: 0.1,
    });
    expect(web.RollbackConfig).toEqual({ Parallelism: 0 });
    expect(web.TaskTemplate.LogDriver).toEqual({ Name: 'json-file', Options: { 'max-size': '10m' } });
    const agent = service(p, 'shop_agent');
    expect(agent.Mode).toEqual({ Global: {} });
    expect(agent.TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(p!.volumes).toEqual(['shop_data']);
  });

  it('uses external and explicitly named objects by their own names', () => {
    const { plan: p } = plan(
      'services: { a: { image: x, networks: [edge, named], volumes: ["v:/v"] } }\nnetworks:\n  edge: { external: true }\n  named: { name: custom-net }\nvolumes:\n  v: { external: true }\n',
    );
    expect(p!.networks.map((n) => [n.name, n.external])).toEqual([
      ['edge', true],
      ['custom-net', false],
    ]);
    expect(service(p, 'shop_a').TaskTemplate.ContainerSpec.Mounts[0]).toEqual({
      Type: 'volume',
      Source: 'v',
      Target: '/v',
      ReadOnly: false,
      VolumeOptions: { NoCopy: false },
    });
  });
});

describe('compose values', () => {
  it('reads durations, sizes, commands, ports and volumes like the CLI', () => {
    expect(nanoseconds('1h2m3.5s')).toBe(3723.5e9);
    expect(nanoseconds('250ms')).toBe(2.5e8);
    expect(bytes('512k')).toBe(512 * 1024);
    expect(bytes('1.5GB')).toBe(1.5 * 1024 ** 3);
    expect(bytes(1000)).toBe(1000);
    expect(shellWords(`sh -c 'while true; do sleep 1; done'`)).toEqual(['sh', '-c', 'while true; do sleep 1; done']);
    expect(shellWords('a\\ b "c \\"d\\""')).toEqual(['a b', 'c "d"']);
    expect(shortPorts('8000-8001:80-81')!.ports.map((p) => [p.PublishedPort, p.TargetPort])).toEqual([
      [8000, 80],
      [8001, 81],
    ]);
    expect(shortPorts('80:80:80')).toBeNull();
    expect(shortVolume('/host:/data:ro,rshared')).toEqual({
      source: '/host',
      target: '/data',
      readOnly: true,
      propagation: 'rshared',
      nocopy: false,
    });
    expect(shortVolume('relative')).toBeNull();
  });
});
