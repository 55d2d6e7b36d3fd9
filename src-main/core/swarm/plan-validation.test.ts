import { describe, expect, it } from 'vitest';
import type { HostRecord, PlanExtras, PlanFindingCode, PlanHost, PlanNetwork, PlanRegistry, SwarmPlan } from '../../contract.js';
import { faultTolerance, validatePlan } from './plan-validation.js';

function host(alias: string, address: string, port = 22): HostRecord {
  return { id: alias, alias, address, port, user: 'ops', auth: ['agent'], identityFile: null, jump: [], tags: [] };
}

const HOSTS: HostRecord[] = [
  host('m1', '172.30.0.11'),
  host('m2', '172.30.0.12'),
  host('m3', '172.30.0.13'),
  host('w1', '192.168.10.21'),
  host('w2', '192.168.10.22'),
  ...Array.from({ length: 10 }, (_, i) => host(`n${i}`, `192.168.20.${i + 1}`)),
  host('byname', 'node.example.com'),
];

function planHost(alias: string, role: PlanHost['role'] = 'worker', advertiseAddress: string | null = null): PlanHost {
  return { host: alias, role, advertiseAddress };
}

function network(name: string, subnet: string, encrypted = false): PlanNetwork {
  return { name, subnet, encrypted, attachable: false };
}

function validPlan(): SwarmPlan {
  return {
    name: 'prod',
    hosts: [planHost('m1', 'manager'), planHost('m2', 'manager'), planHost('m3', 'manager'), planHost('w1'), planHost('w2')],
    addressPool: null,
    dedicatedManagers: false,
    autolock: true,
    networks: [network('backend', '10.0.9.0/24', true)],
  };
}

function check(plan: SwarmPlan, acknowledgeEvenManagers = false) {
  return validatePlan(plan, HOSTS, { acknowledgeEvenManagers });
}

function codes(plan: SwarmPlan, acknowledgeEvenManagers = false): PlanFindingCode[] {
  return check(plan, acknowledgeEvenManagers).findings.map((f) => f.code);
}

function finding(plan: SwarmPlan, code: PlanFindingCode) {
  return check(plan).findings.find((f) => f.code === code);
}

function withNetworks(...networks: PlanNetwork[]): SwarmPlan {
  return { ...validPlan(), networks };
}

describe('faultTolerance', () => {
  it.each([
    [-1, 0],
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 1],
    [4, 1],
    [5, 2],
    [6, 2],
    [7, 3],
    [8, 3],
  ])('%i managers tolerate %i failures', (managers, tolerates) => {
    expect(faultTolerance(managers)).toBe(tolerates);
  });
});

describe('validatePlan', () => {
  it('runs a valid plan with only the ESP note', () => {
    const result = check(validPlan());
    expect(result).toEqual({
      findings: [{ severity: 'info', code: 'ENCRYPTED_NEEDS_ESP', path: 'networks.0.encrypted', params: { network: 'backend' } }],
      managers: 3,
      tolerates: 1,
      runnable: true,
    });
  });

  it('wants a name', () => {
    expect(finding({ ...validPlan(), name: '  ' }, 'NAME_EMPTY')).toMatchObject({ severity: 'error', path: 'name' });
    expect(check({ ...validPlan(), name: '  ' }).runnable).toBe(false);
  });

  describe('hosts', () => {
    it('wants at least one host, and says so once', () => {
      const result = check({ ...validPlan(), hosts: [] });
      expect(result.findings.map((f) => f.code)).toEqual(['NO_HOSTS', 'ENCRYPTED_NEEDS_ESP']);
      expect(result.runnable).toBe(false);
    });

    it('knows only the saved hosts', () => {
      const plan = validPlan();
      plan.hosts.push(planHost('ghost'));
      expect(finding(plan, 'HOST_UNKNOWN')).toEqual({
        severity: 'error',
        code: 'HOST_UNKNOWN',
        path: 'hosts.5.host',
        params: { host: 'ghost' },
      });
    });

    it('refuses the same host twice', () => {
      const plan = validPlan();
      plan.hosts.push(planHost('w1', 'manager'));
      expect(finding(plan, 'HOST_TWICE')).toMatchObject({ severity: 'error', path: 'hosts.5.host', params: { host: 'w1' } });
    });

    it('refuses two aliases for the same machine, but not two ports of one address', () => {
      const hosts = [...HOSTS, host('w1-again', '192.168.10.21'), host('w1-other-port', '192.168.10.21', 2222)];
      const plan = validPlan();
      plan.hosts.push(planHost('w1-other-port'));
      expect(validatePlan(plan, hosts, { acknowledgeEvenManagers: false }).findings.map((f) => f.code)).not.toContain('ADDRESS_TWICE');
      plan.hosts.push(planHost('w1-again'));
      expect(validatePlan(plan, hosts, { acknowledgeEvenManagers: false }).findings).toContainEqual({
        severity: 'error',
        code: 'ADDRESS_TWICE',
        path: 'hosts.6.host',
        params: { host: 'w1-again', other: 'w1', address: '192.168.10.21', port: '22' },
      });
    });

    it.each(['10.1.2.3', '2001:db8::1', 'fe80::1', '::ffff:10.1.2.3'])('accepts the advertise address %s', (address) => {
      const plan = validPlan();
      plan.hosts[3] = planHost('w1', 'worker', address);
      expect(codes(plan)).not.toContain('ADVERTISE_INVALID');
    });

    it.each([
      ['10.1.2', 'syntax'],
      ['10.1.2.300', 'syntax'],
      ['1:2:3', 'syntax'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
    ])('refuses the advertise address %s (%s)', (address, reason) => {
      const plan = validPlan();
      plan.hosts[3] = planHost('w1', 'worker', address);
      expect(finding(plan, 'ADVERTISE_INVALID')).toEqual({
        severity: 'error',
        code: 'ADVERTISE_INVALID',
        path: 'hosts.3.advertiseAddress',
        params: { host: 'w1', address, reason },
      });
    });
  });

  describe('managers', () => {
    function withManagers(count: number): SwarmPlan {
      const names = ['m1', 'm2', 'm3', 'w1', 'w2', 'n0', 'n1', 'n2'];
      return { ...validPlan(), dedicatedManagers: true, hosts: names.slice(0, count).map((alias) => planHost(alias, 'manager')) };
    }
    const managerCodes = (plan: SwarmPlan, ack = false) =>
      codes(plan, ack).filter((c) => ['NO_MANAGER', 'MANAGERS_EVEN', 'MANAGER_SINGLE', 'MANAGERS_OVER_SEVEN'].includes(c));

    it.each([
      [1, ['MANAGER_SINGLE'], true],
      [2, ['MANAGERS_EVEN'], false],
      [3, [], true],
      [4, ['MANAGERS_EVEN'], false],
      [5, [], true],
      [6, ['MANAGERS_EVEN'], false],
      [7, [], true],
      [8, ['MANAGERS_EVEN', 'MANAGERS_OVER_SEVEN'], false],
    ])('%i managers: %j, runnable %s', (count, expected, runnable) => {
      const result = check(withManagers(count));
      expect(managerCodes(withManagers(count))).toEqual(expected);
      expect(result.managers).toBe(count);
      expect(result.tolerates).toBe(faultTolerance(count));
      expect(result.runnable).toBe(runnable);
    });

    it('wants a manager', () => {
      const plan = { ...validPlan(), hosts: [planHost('w1'), planHost('w2')] };
      expect(finding(plan, 'NO_MANAGER')).toMatchObject({ severity: 'error', path: 'hosts' });
      expect(check(plan)).toMatchObject({ managers: 0, tolerates: 0, runnable: false });
    });

    it('blocks an even count until acknowledged, then keeps showing it as a warning', () => {
      const plan = withManagers(4);
      const params = { count: '4', tolerates: '1', nextOdd: '5', previousOdd: '3' };
      expect(check(plan).findings).toContainEqual({
        severity: 'error',
        code: 'MANAGERS_EVEN',
        path: 'hosts',
        params,
        acknowledgeable: true,
      });
      const acknowledged = check(plan, true);
      expect(acknowledged.findings).toContainEqual({ severity: 'warning', code: 'MANAGERS_EVEN', path: 'hosts', params });
      expect(acknowledged.runnable).toBe(true);
    });

    it('words the single and the many', () => {
      expect(finding(withManagers(1), 'MANAGER_SINGLE')).toMatchObject({ severity: 'warning', params: { count: '1', tolerates: '0' } });
      expect(finding(withManagers(8), 'MANAGERS_OVER_SEVEN')).toMatchObject({
        severity: 'warning',
        params: { count: '8', tolerates: '3' },
      });
    });
  });

  describe('dedicated managers', () => {
    const nodes = (count: number, dedicatedManagers: boolean): SwarmPlan => ({
      ...validPlan(),
      dedicatedManagers,
      hosts: [
        planHost('m1', 'manager'),
        planHost('m2', 'manager'),
        planHost('m3', 'manager'),
        ...['w1', 'w2', 'n0', 'n1'].slice(0, count - 3).map((a) => planHost(a)),
      ],
    });

    it('is recommended above 5 nodes', () => {
      expect(codes(nodes(5, false))).not.toContain('DEDICATED_RECOMMENDED');
      expect(finding(nodes(6, false), 'DEDICATED_RECOMMENDED')).toEqual({
        severity: 'warning',
        code: 'DEDICATED_RECOMMENDED',
        path: 'dedicatedManagers',
        params: { nodes: '6' },
      });
      expect(codes(nodes(6, true))).not.toContain('DEDICATED_RECOMMENDED');
      expect(check(nodes(6, false)).runnable).toBe(true);
    });
  });

  describe('address pool', () => {
    const withPool = (subnets: string[], subnetSize: number): SwarmPlan => ({
      ...validPlan(),
      addressPool: { subnets, subnetSize },
      networks: [network('backend', '10.20.9.0/24')],
    });

    it('accepts a valid pool', () => {
      expect(check(withPool(['10.10.0.0/16', '10.11.0.0/16'], 24))).toMatchObject({ findings: [], runnable: true });
    });

    it.each([
      ['10.10.0.0', 'syntax'],
      ['10.10.0.1/16', 'host-bits'],
    ])('refuses the pool subnet %s (%s)', (subnet, reason) => {
      expect(finding(withPool(['10.10.0.0/16', subnet], 24), 'POOL_CIDR_INVALID')).toEqual({
        severity: 'error',
        code: 'POOL_CIDR_INVALID',
        path: 'addressPool.subnets.1',
        params: { subnet, reason },
      });
    });

    it.each([
      [['10.10.0.0/16'], 16, true],
      [['10.10.0.0/16'], 15, false],
      [['10.10.0.0/16'], 29, true],
      [['10.10.0.0/16'], 30, false],
      [['10.10.0.0/16'], 24.5, false],
      // The size must fit in every pool subnet, the smallest one included.
      [['10.10.0.0/16', '10.11.0.0/20'], 20, true],
      [['10.10.0.0/16', '10.11.0.0/20'], 19, false],
    ])('pool %j with /%s subnets: valid %s', (subnets, size, valid) => {
      const found = finding(withPool(subnets, size), 'POOL_SUBNET_SIZE_INVALID');
      if (valid) expect(found).toBeUndefined();
      else expect(found).toMatchObject({ severity: 'error', path: 'addressPool.subnetSize', params: { size: String(size), max: '29' } });
    });
  });

  describe('networks', () => {
    it.each(['backend', 'b', 'Front_end.v2-x', '9lives', 'a'.repeat(63)])('accepts the name %s', (name) => {
      expect(codes(withNetworks(network(name, '10.0.9.0/24')))).toEqual([]);
    });

    it.each(['', '-backend', '_backend', '.backend', 'back end', 'back/end', 'ñu', 'a'.repeat(64)])('refuses the name %j', (name) => {
      expect(finding(withNetworks(network(name, '10.0.9.0/24')), 'NETWORK_NAME_INVALID')).toEqual({
        severity: 'error',
        code: 'NETWORK_NAME_INVALID',
        path: 'networks.0.name',
        params: { name },
      });
    });

    it.each(['ingress', 'docker_gwbridge', 'bridge', 'host', 'none', 'Ingress'])('refuses the reserved name %s', (name) => {
      expect(codes(withNetworks(network(name, '10.0.9.0/24')))).toEqual(['NETWORK_NAME_RESERVED']);
    });

    it('refuses a name twice, whatever its case', () => {
      const plan = withNetworks(network('backend', '10.0.9.0/24'), network('Backend', '10.0.10.0/24'));
      expect(finding(plan, 'NETWORK_NAME_TWICE')).toMatchObject({
        severity: 'error',
        path: 'networks.1.name',
        params: { name: 'Backend' },
      });
    });

    it.each([
      ['10.0.9.0', 'syntax'],
      ['10.0.9.0/33', 'syntax'],
      ['10.0.9.5/24', 'host-bits'],
    ])('refuses the subnet %s (%s) and judges it no further', (subnet, reason) => {
      expect(check(withNetworks(network('backend', subnet))).findings).toEqual([
        { severity: 'error', code: 'SUBNET_INVALID', path: 'networks.0.subnet', params: { network: 'backend', subnet, reason } },
      ]);
    });

    it.each([
      ['10.0.8.0/23', false],
      ['10.0.9.0/24', true],
      ['10.0.9.0/25', false],
    ])('wants /24: %s ok %s', (subnet, ok) => {
      const result = check(withNetworks(network('backend', subnet)));
      expect(result.runnable).toBe(true);
      if (ok) expect(result.findings).toEqual([]);
      else
        expect(result.findings).toMatchObject([
          { severity: 'warning', code: 'SUBNET_NOT_24', params: { subnet, prefix: subnet.slice(-2) } },
        ]);
    });

    it("refuses a subnet holding a host's address or advertise address", () => {
      const plan = withNetworks(network('backend', '192.168.10.0/24'));
      plan.hosts[0] = planHost('m1', 'manager', '192.168.10.5');
      plan.hosts.push(planHost('byname'));
      expect(check(plan).findings.filter((f) => f.code === 'SUBNET_OVERLAPS_HOST')).toEqual(
        [
          ['m1', '192.168.10.5'],
          ['w1', '192.168.10.21'],
          ['w2', '192.168.10.22'],
        ].map(([h, address]) => ({
          severity: 'error',
          code: 'SUBNET_OVERLAPS_HOST',
          path: 'networks.0.subnet',
          params: { network: 'backend', subnet: '192.168.10.0/24', host: h, address },
        })),
      );
      expect(codes(withNetworks(network('backend', '192.168.11.0/24')))).toEqual([]);
    });

    it.each([
      ['172.17.0.0/24', ['docker0']],
      ['172.18.5.0/24', ['docker_gwbridge']],
      ['172.16.0.0/12', ['docker0', 'docker_gwbridge']],
      ['172.19.0.0/24', []],
      ['172.16.255.0/24', []],
    ])("refuses %s on Docker's bridges: %j", (subnet, bridges) => {
      const found = check(withNetworks(network('backend', subnet))).findings.filter((f) => f.code === 'SUBNET_OVERLAPS_GWBRIDGE');
      expect(found.map((f) => f.params['bridge'])).toEqual(bridges);
      expect(found.every((f) => f.severity === 'error' && f.path === 'networks.0.subnet')).toBe(true);
    });

    it("refuses the ingress network's subnet while the pool is Docker's own", () => {
      expect(finding(withNetworks(network('backend', '10.0.0.0/24')), 'SUBNET_OVERLAPS_INGRESS')).toMatchObject({
        severity: 'error',
        params: { subnet: '10.0.0.0/24', other: '10.0.0.0/24' },
      });
      expect(codes(withNetworks(network('backend', '10.0.1.0/24')))).toEqual([]);
      const pooled = { ...withNetworks(network('backend', '10.0.0.0/24')), addressPool: { subnets: ['10.10.0.0/16'], subnetSize: 24 } };
      expect(codes(pooled)).toEqual([]);
    });

    it('refuses a subnet inside the address pool', () => {
      const plan = {
        ...withNetworks(network('backend', '10.10.4.0/24')),
        addressPool: { subnets: ['10.9.0.0/16', '10.10.0.0/16'], subnetSize: 24 },
      };
      expect(check(plan).findings).toEqual([
        {
          severity: 'error',
          code: 'SUBNET_OVERLAPS_POOL',
          path: 'networks.0.subnet',
          params: { network: 'backend', subnet: '10.10.4.0/24', other: '10.10.0.0/16' },
        },
      ]);
    });

    it('refuses two planned networks that overlap, on the later one', () => {
      const plan = withNetworks(network('a', '10.0.8.0/23'), network('b', '10.0.9.0/24'), network('c', '10.0.10.0/24'));
      expect(check(plan).findings.filter((f) => f.code === 'SUBNET_OVERLAPS_NETWORK')).toEqual([
        {
          severity: 'error',
          code: 'SUBNET_OVERLAPS_NETWORK',
          path: 'networks.1.subnet',
          params: { network: 'b', subnet: '10.0.9.0/24', otherNetwork: 'a', other: '10.0.8.0/23' },
        },
      ]);
    });

    it('notes ESP for each encrypted network', () => {
      const plan = withNetworks(network('a', '10.0.9.0/24', true), network('b', '10.0.10.0/24'), network('c', '10.0.11.0/24', true));
      expect(check(plan).findings.map((f) => [f.severity, f.code, f.path])).toEqual([
        ['info', 'ENCRYPTED_NEEDS_ESP', 'networks.0.encrypted'],
        ['info', 'ENCRYPTED_NEEDS_ESP', 'networks.2.encrypted'],
      ]);
    });
  });

  describe('production steps', () => {
    const registry = (change: Partial<PlanRegistry> = {}): PlanRegistry => ({
      host: 'w1',
      port: 5000,
      publish: 'host',
      image: 'registry:2',
      mode: 'tls',
      address: null,
      username: null,
      acknowledgeInsecure: false,
      network: null,
      ...change,
    });
    const withExtras = (extras: Partial<PlanExtras>, plan = validPlan()): SwarmPlan => ({
      ...plan,
      extras: { registry: null, backups: null, edge: null, ...extras },
    });

    it('accepts a TLS registry on a plan host, backups with 3 managers, an edge list to a file', () => {
      const plan = withExtras({
        registry: registry({ network: 'backend', username: 'deploy' }),
        backups: { everyHours: 24, keep: 7, firstNow: true },
        edge: { port: 80, label: null, format: 'plain', name: 'web', output: { kind: 'file', path: '/tmp/targets' } },
      });
      expect(codes(plan)).toEqual(['ENCRYPTED_NEEDS_ESP']);
    });

    it('wants the registry on a plan host that runs tasks, on a plan network, with a second node to pull on', () => {
      expect(finding(withExtras({ registry: registry({ host: 'n1' }) }), 'REGISTRY_HOST_NOT_IN_PLAN')).toMatchObject({
        severity: 'error',
        path: 'extras.registry.host',
        params: { host: 'n1' },
      });
      const drained = withExtras({ registry: registry({ host: 'm1' }) }, { ...validPlan(), dedicatedManagers: true });
      expect(finding(drained, 'REGISTRY_HOST_DRAINED')).toMatchObject({ severity: 'error', params: { host: 'm1' } });
      expect(codes(withExtras({ registry: registry({ host: 'm1' }) }))).not.toContain('REGISTRY_HOST_DRAINED');
      expect(finding(withExtras({ registry: registry({ network: 'front' }) }), 'REGISTRY_NETWORK_NOT_IN_PLAN')).toMatchObject({
        path: 'extras.registry.network',
        params: { network: 'front' },
      });
      const alone = withExtras({ registry: registry({ host: 'm1' }) }, { ...validPlan(), hosts: [planHost('m1', 'manager')] });
      expect(codes(alone)).toContain('REGISTRY_NEEDS_TWO_HOSTS');
    });

    it('lets a registry without TLS through only acknowledged, on a private address, without a login', () => {
      const insecure = registry({ mode: 'insecure', acknowledgeInsecure: true, address: '10.1.2.3' });
      expect(check(withExtras({ registry: insecure })).runnable).toBe(true);
      expect(finding(withExtras({ registry: insecure }), 'REGISTRY_NO_TLS')?.severity).toBe('warning');
      expect(codes(withExtras({ registry: { ...insecure, acknowledgeInsecure: false } }))).toContain('REGISTRY_INSECURE_UNACKNOWLEDGED');
      expect(codes(withExtras({ registry: { ...insecure, username: 'deploy' } }))).toContain('REGISTRY_INSECURE_LOGIN');
      expect(finding(withExtras({ registry: { ...insecure, address: '203.0.113.5' } }), 'REGISTRY_INSECURE_PUBLIC')).toMatchObject({
        path: 'extras.registry.address',
        params: { address: '203.0.113.5' },
      });
      // Without an address of its own, the host's advertise address is judged.
      const advertised = { ...validPlan(), hosts: [...validPlan().hosts.slice(0, 4), planHost('w2', 'worker', '198.51.100.7')] };
      const onW2 = withExtras({ registry: { ...insecure, host: 'w2', address: null } }, advertised);
      expect(finding(onW2, 'REGISTRY_INSECURE_PUBLIC')).toMatchObject({ path: 'extras.registry', params: { address: '198.51.100.7' } });
    });

    it('warns that backups need three managers', () => {
      const one = withExtras(
        { backups: { everyHours: 24, keep: 7, firstNow: true } },
        { ...validPlan(), hosts: [planHost('m1', 'manager')] },
      );
      expect(finding(one, 'BACKUPS_NEED_THREE_MANAGERS')).toMatchObject({ severity: 'warning', params: { managers: '1' } });
      expect(check(one).runnable).toBe(true);
    });

    it('wants each pool named once, with a script file of its own', () => {
      const pool = { name: 'workers', role: 'worker' as const, labels: {}, targetSize: null, path: '/tmp/w.yaml' };
      const plan = withExtras({ pools: [pool, { ...pool, role: 'manager' }] });
      expect(finding(plan, 'POOL_NAME_TWICE')).toMatchObject({ path: 'extras.pools.1.name', params: { pool: 'workers' } });
      expect(finding(plan, 'POOL_PATH_TWICE')).toMatchObject({ path: 'extras.pools.1.path', params: { path: '/tmp/w.yaml' } });
      expect(check(withExtras({ pools: [pool, { ...pool, name: 'managers', path: '/tmp/m.yaml' }] })).runnable).toBe(true);
    });

    it('wants the edge proxy host in Hosts', () => {
      const output = { kind: 'ssh' as const, host: 'lb9', path: '/etc/nginx/upstream.conf', reload: null, sudo: false };
      const plan = withExtras({ edge: { port: 80, label: null, format: 'nginx', name: 'web', output } });
      expect(finding(plan, 'EDGE_HOST_UNKNOWN')).toMatchObject({
        severity: 'error',
        path: 'extras.edge.output.host',
        params: { host: 'lb9' },
      });
      expect(
        codes(withExtras({ edge: { port: 80, label: null, format: 'nginx', name: 'web', output: { ...output, host: 'byname' } } })),
      ).not.toContain('EDGE_HOST_UNKNOWN');
    });
  });

  it("lists findings in the plan's order", () => {
    const plan: SwarmPlan = {
      name: '',
      hosts: [planHost('m1', 'manager'), planHost('m2', 'manager'), planHost('ghost'), planHost('w1', 'worker', 'nope')],
      addressPool: { subnets: ['10.10.0.0/16'], subnetSize: 30 },
      dedicatedManagers: false,
      autolock: false,
      networks: [network('ingress', '10.0.9.5/24', true), network('b', '10.10.1.0/24')],
    };
    expect(check(plan).findings.map((f) => `${f.code}@${f.path}`)).toEqual([
      'NAME_EMPTY@name',
      'HOST_UNKNOWN@hosts.2.host',
      'ADVERTISE_INVALID@hosts.3.advertiseAddress',
      'MANAGERS_EVEN@hosts',
      'POOL_SUBNET_SIZE_INVALID@addressPool.subnetSize',
      'NETWORK_NAME_RESERVED@networks.0.name',
      'SUBNET_INVALID@networks.0.subnet',
      'ENCRYPTED_NEEDS_ESP@networks.0.encrypted',
      'SUBNET_OVERLAPS_POOL@networks.1.subnet',
    ]);
  });
});
