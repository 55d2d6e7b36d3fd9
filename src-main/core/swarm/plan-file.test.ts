import { describe, expect, it } from 'vitest';
import type { SwarmPlan } from '../../contract.js';
import { CoreError } from '../errors.js';
import { PLAN_FILE_MAX_CHARS, planFromYaml, planToYaml, type PlanFileProblem } from './plan-file.js';

const PLAN: SwarmPlan = {
  name: 'prod',
  hosts: [
    { host: 'm1', role: 'manager', advertiseAddress: '172.30.0.11' },
    { host: 'm2', role: 'manager', advertiseAddress: null },
    { host: 'm3', role: 'manager', advertiseAddress: 'fd00::3' },
    { host: 'w1', role: 'worker', advertiseAddress: null },
  ],
  addressPool: { subnets: ['10.10.0.0/16', '10.11.0.0/16'], subnetSize: 24 },
  dedicatedManagers: true,
  autolock: true,
  networks: [
    { name: 'backend', subnet: '10.0.9.0/24', encrypted: true, attachable: false },
    { name: 'front.end', subnet: '10.0.10.0/24', encrypted: false, attachable: true },
  ],
};

function failure(text: string): CoreError {
  try {
    planFromYaml(text);
  } catch (err) {
    if (err instanceof CoreError) return err;
    throw err;
  }
  throw new Error('the plan file was accepted');
}

function expectProblem(text: string, problem: PlanFileProblem, params: Record<string, string> = {}): CoreError {
  const err = failure(text);
  expect(err.code).toBe('PLAN_FILE_INVALID');
  expect(err.params).toMatchObject({ problem, ...params });
  return err;
}

const VALID = planToYaml(PLAN);

describe('planToYaml', () => {
  it('writes the header, the version, then the plan in block lists', () => {
    const lines = VALID.split('\n');
    expect(lines[0]).toBe('# Swarmdeck swarm plan — no secrets are kept in this file');
    expect(VALID).toMatch(/^version: 1$/m);
    expect(VALID.indexOf('version: 1')).toBeLessThan(VALID.indexOf('name: prod'));
    expect(VALID).toContain('hosts:\n  - host: m1\n    role: manager\n    advertiseAddress: 172.30.0.11\n');
    expect(VALID).toContain('networks:\n  - name: backend\n    subnet: 10.0.9.0/24\n');
    expect(VALID).not.toContain('{');
  });

  it('writes nothing beyond the plan, in a fixed order', () => {
    const extra = { extra: 'x', ...Object.fromEntries(Object.entries(PLAN).reverse()) } as unknown as SwarmPlan;
    expect(planToYaml(extra)).toBe(VALID);
  });

  it('quotes names YAML would read as something else', () => {
    for (const name of ['yes', 'true', '123', 'null', '- a', '#x', 'a: b']) {
      expect(planFromYaml(planToYaml({ ...PLAN, name })).name).toBe(name);
    }
  });
});

const EXTRAS: NonNullable<SwarmPlan['extras']> = {
  registry: {
    host: 'w1',
    port: 5000,
    publish: 'host',
    image: 'registry:2',
    mode: 'tls',
    address: null,
    username: 'deploy',
    acknowledgeInsecure: false,
    network: 'backend',
  },
  backups: { everyHours: 24, keep: 7, firstNow: true },
  edge: {
    port: 80,
    label: { key: 'edge', value: 'true' },
    format: 'haproxy',
    name: 'web',
    output: { kind: 'ssh', host: 'lb1', path: '/etc/haproxy/swarm.cfg', reload: ['systemctl', 'reload', 'haproxy'], sudo: true },
  },
  pools: [{ name: 'workers', role: 'worker', labels: { tier: 'app' }, targetSize: 3, path: '/home/ops/workers.user-data' }],
};

describe('plan extras in the file', () => {
  it('round-trips the production steps, and a plan without them stays without', () => {
    const withExtras = { ...PLAN, extras: EXTRAS };
    const text = planToYaml(withExtras);
    expect(text).toContain('extras:\n  registry:\n    host: w1\n');
    expect(planFromYaml(text)).toEqual(withExtras);
    const none = { ...PLAN, extras: { registry: null, backups: null, edge: null } };
    expect(planFromYaml(planToYaml(none))).toEqual(none);
    expect(VALID).not.toContain('extras');
    expect(planFromYaml(VALID)).not.toHaveProperty('extras');
  });

  it('refuses a registry password written into the file', () => {
    const text = planToYaml({ ...PLAN, extras: EXTRAS }).replace(
      '    username: deploy\n',
      '    username: deploy\n    password: hunter22\n',
    );
    expectProblem(text, 'SECRET_FIELD', { path: 'extras.registry.password' });
  });

  it('refuses an extras field the app does not know', () => {
    const text = planToYaml({ ...PLAN, extras: EXTRAS }).replace('    firstNow: true\n', '    firstNow: true\n    offsite: s3\n');
    expectProblem(text, 'SHAPE', { path: 'extras.backups.offsite', issue: 'UNKNOWN_FIELD' });
  });
});

describe('planFromYaml', () => {
  it('round-trips a plan', () => {
    expect(planFromYaml(VALID)).toEqual(PLAN);
    const bare: SwarmPlan = { ...PLAN, hosts: [], addressPool: null, networks: [] };
    expect(planFromYaml(planToYaml(bare))).toEqual(bare);
  });

  it('reads a hand-written file with comments', () => {
    const text = [
      '# our production swarm',
      'version: 1 # format',
      'name: prod',
      'hosts:',
      '  # three managers across the racks',
      '  - { host: m1, role: manager, advertiseAddress: 172.30.0.11 }',
      '  - host: w1',
      '    role: worker',
      '    advertiseAddress: ~',
      'addressPool: null',
      'dedicatedManagers: false',
      'autolock: no-means-a-string-here',
      'networks: []',
    ].join('\n');
    expectProblem(text, 'SHAPE', { path: 'autolock', issue: 'WRONG_TYPE', line: '12' });
    const fixed = text.replace('no-means-a-string-here', 'false');
    expect(planFromYaml(fixed)).toEqual({
      name: 'prod',
      hosts: [
        { host: 'm1', role: 'manager', advertiseAddress: '172.30.0.11' },
        { host: 'w1', role: 'worker', advertiseAddress: null },
      ],
      addressPool: null,
      dedicatedManagers: false,
      autolock: false,
      networks: [],
    });
  });

  it('refuses malformed YAML with its line', () => {
    expectProblem('version: 1\nname: prod\nhosts: [\nautolock: true\n', 'SYNTAX', { line: '4' });
    expectProblem('version: 1\nname: a\nname: b\n', 'SYNTAX', { line: '3' });
    expectProblem('version: 1\n---\nname: b\n', 'SYNTAX');
  });

  it.each([
    ['missing', VALID.replace('version: 1\n', ''), {}],
    ['newer', VALID.replace('version: 1', 'version: 2'), { version: '2', line: '3' }],
    ['a string', VALID.replace('version: 1', 'version: "1"'), { version: '1', line: '3' }],
  ])('refuses a version that is %s', (_, text, params) => {
    expectProblem(text, 'VERSION', params);
  });

  it('refuses an unknown key, pointing at the key', () => {
    const text = VALID.replace('    role: worker\n', '    role: worker\n    labels: gpu\n');
    const err = expectProblem(text, 'SHAPE', { path: 'hosts.3.labels', issue: 'UNKNOWN_FIELD' });
    expect(err.params?.['line']).toBe(String(text.split('\n').indexOf('    labels: gpu') + 1));
  });

  it('refuses a wrong type or value, with the path and line', () => {
    const text = VALID.replace('subnetSize: 24', 'subnetSize: "24"');
    expectProblem(text, 'SHAPE', {
      path: 'addressPool.subnetSize',
      issue: 'WRONG_TYPE',
      line: String(text.split('\n').indexOf('  subnetSize: "24"') + 1),
    });
    expectProblem(VALID.replace('role: worker', 'role: boss'), 'SHAPE', { path: 'hosts.3.role', issue: 'INVALID_VALUE' });
    expectProblem(VALID.replace('host: m2', 'host: "-oProxyCommand=x"'), 'SHAPE', { path: 'hosts.1.host', issue: 'ALIAS_INVALID' });
  });

  it('refuses a missing field, at its parent', () => {
    expectProblem(VALID.replace('autolock: true\n', ''), 'SHAPE', { path: 'autolock', issue: 'WRONG_TYPE', line: '3' });
  });

  it.each(['', '# nothing\n', '- a\n- b\n', 'just text\n'])('refuses a file that is not a mapping: %j', (text) => {
    expectProblem(text, 'SHAPE', { path: '' });
  });

  it.each(['token', 'joinToken', 'unlockKey', 'unlock_key', 'password', 'sudoPassword', 'passphrase', 'secret', 'clientSecret'])(
    'refuses the secret-looking key %s anywhere',
    (key) => {
      expectProblem(`${VALID}${key}: hunter2\n`, 'SECRET_FIELD', { path: key, key });
      const nested = VALID.replace('    role: worker\n', `    role: worker\n    ${key}: hunter2\n`);
      expectProblem(nested, 'SECRET_FIELD', {
        path: `hosts.3.${key}`,
        line: String(nested.split('\n').indexOf(`    ${key}: hunter2`) + 1),
      });
    },
  );

  it('refuses a join token or unlock key pasted anywhere, comments included', () => {
    expectProblem(`${VALID}# SWMTKN-1-abc-def\n`, 'SECRET_VALUE', { line: String(VALID.split('\n').length) });
    expectProblem(VALID.replace('name: prod', 'name: SWMKEY-1-xyz'), 'SECRET_VALUE', { line: '4' });
  });

  it('refuses an alias bomb', () => {
    const text = [
      'version: 1',
      'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    ].join('\n');
    expectProblem(text, 'ALIASES');
  });

  it('refuses a file over the size bound', () => {
    expectProblem(VALID + `#${'x'.repeat(PLAN_FILE_MAX_CHARS)}\n`, 'TOO_LARGE');
  });

  it('refuses deep nesting as a plan error, not a crash', () => {
    // yaml reports the stack running out as a parse error; how deep that is depends on the engine.
    const err = failure(`${VALID}extra: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
    expect(err.code).toBe('PLAN_FILE_INVALID');
    expect(['SYNTAX', 'SHAPE']).toContain(err.params?.['problem']);
  });

  it('keeps __proto__ a plain unknown key', () => {
    expectProblem(`${VALID}__proto__: { polluted: true }\n`, 'SHAPE', { issue: 'UNKNOWN_FIELD' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
