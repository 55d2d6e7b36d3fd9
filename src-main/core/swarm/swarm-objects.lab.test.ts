import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ActivityEntry, Result, ServiceCreateInput, SwarmObjectSummary } from '../../contract.js';
import { hostInput, lab, LAB_IMAGES } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { memoryLogger, testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

interface InspectedSpec {
  Name: string;
  Mode: unknown;
  TaskTemplate: { ContainerSpec: unknown; Placement: { Constraints: string[] }; Networks: { Target: string }[] };
  UpdateConfig: unknown;
  RollbackConfig: unknown;
  EndpointSpec: { Ports: unknown[] };
}

// Secrets, configs and the service form against a real swarm: what Docker ends up
// with is what was asked, a value never comes back or lands anywhere, and a secret
// in use stays until its service goes.
describeLab('secrets, configs and service create through the contract', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let core: Core;
  let clusterId: string;
  const logger = memoryLogger();
  const seen: { event: string; payload: unknown }[] = [];
  const SECRET_VALUE = 'p4ss-Wörd-only-in-the-swarm-31337';
  const CONFIG_VALUE = 'listen 8080;\n';
  const ENV_VALUE = 'env-value-kept-out-of-logs-4242';

  const call = (method: string, input: unknown): Promise<Result<unknown>> =>
    (core.dispatch as (m: string, i: unknown) => Promise<Result<unknown>>)(method, input);
  const ok = async <T>(pending: Promise<Result<unknown>>): Promise<T> => {
    const result = await pending;
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  const manager = () => lab.managers[0]!.name;
  const cli = async (args: string[]): Promise<string> => {
    const r = await lab.swarm.docker(manager(), args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 1, workers: 1, passwordHost: false });
    await lab.swarm.form();
    await cli(['network', 'create', '--driver', 'overlay', 'backend']);
    core = await testCore(join(dir, 'data'), logger);
    core.events.subscribe((event, payload) => {
      seen.push({ event, payload });
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
    });
    for (const h of lab.hosts) {
      await ok(core.dispatch('hosts.save', hostInput(h)));
    }
    clusterId = (await ok<{ id: string }>(core.dispatch('clusters.adopt', { name: 'lab', via: manager(), mapping: {} }))).id;
  });
  afterAll(async () => {
    await lab.down();
    await cleanup();
  });

  let secretId = '';
  let configId = '';

  it('creates a secret and a config; the list shows their metadata and no value', async () => {
    secretId = (
      await ok<{ id: string }>(call('secrets.create', { clusterId, name: 'db_password', value: SECRET_VALUE, labels: { tier: 'db' } }))
    ).id;
    configId = (await ok<{ id: string }>(call('configs.create', { clusterId, name: 'nginx.conf', value: CONFIG_VALUE, labels: {} }))).id;
    const secrets = await ok<SwarmObjectSummary[]>(call('secrets.list', { clusterId }));
    expect(secrets).toEqual([
      {
        id: secretId,
        name: 'db_password',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        labels: { tier: 'db' },
        usedBy: [],
      },
    ]);
    const configs = await ok<SwarmObjectSummary[]>(call('configs.list', { clusterId }));
    expect(configs.map((c) => c.name)).toEqual(['nginx.conf']);
    expect(JSON.stringify(configs)).not.toContain(Buffer.from(CONFIG_VALUE).toString('base64'));
    // Docker holds what was given: the CLI sees the config's data (a secret's it never shows).
    const data = await cli(['config', 'inspect', '--format', '{{json .Spec.Data}}', 'nginx.conf']);
    expect(Buffer.from(JSON.parse(data) as string, 'base64').toString('utf8')).toBe(CONFIG_VALUE);
  });

  it('refuses a second object of the same name as a CONFLICT, and logs it failed', async () => {
    const again = await call('secrets.create', { clusterId, name: 'db_password', value: SECRET_VALUE, labels: {} });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', params: { name: 'db_password' } } });
    const missing = await call('secrets.remove', { clusterId, id: 'abcdef0123456789abcdef012' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('creates a service from the form: Docker has the spec as given, and its tasks run', async () => {
    const input: ServiceCreateInput = {
      clusterId,
      name: 'web',
      image: LAB_IMAGES.service,
      mode: 'replicated',
      replicas: 2,
      args: [],
      ports: [{ target: 80, published: 8088, protocol: 'tcp', mode: 'ingress' }],
      networks: ['backend'],
      env: [`GREETING=${ENV_VALUE}`],
      mounts: [{ type: 'tmpfs', source: '', target: '/scratch', readOnly: false }],
      constraints: ['node.role==worker'],
      update: { parallelism: 2, delaySeconds: 3, failureAction: 'continue', order: 'start-first' },
      rollback: { parallelism: 1, delaySeconds: 0, failureAction: 'pause', order: 'stop-first' },
    };
    const { serviceId } = await ok<{ serviceId: string }>(call('services.create', input));
    const spec = JSON.parse(await cli(['service', 'inspect', '--format', '{{json .Spec}}', serviceId])) as InspectedSpec;
    expect(spec.Name).toBe('web');
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 2 } });
    expect(spec.TaskTemplate.ContainerSpec).toMatchObject({
      Image: LAB_IMAGES.service,
      Env: [`GREETING=${ENV_VALUE}`],
      Mounts: [{ Type: 'tmpfs', Target: '/scratch' }],
    });
    expect(spec.TaskTemplate.Placement.Constraints).toEqual(['node.role==worker']);
    expect(spec.TaskTemplate.Networks).toHaveLength(1);
    expect(spec.UpdateConfig).toMatchObject({ Parallelism: 2, Delay: 3_000_000_000, FailureAction: 'continue', Order: 'start-first' });
    expect(spec.RollbackConfig).toMatchObject({ Parallelism: 1, FailureAction: 'pause', Order: 'stop-first' });
    expect(spec.EndpointSpec.Ports).toEqual([{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8088, PublishMode: 'ingress' }]);
    const network = (await cli(['network', 'inspect', '--format', '{{.ID}}', 'backend'])).trim();
    expect(spec.TaskTemplate.Networks[0]?.Target).toBe(network);
    await expect
      .poll(
        async () => (await cli(['service', 'ps', '--filter', 'desired-state=running', '--format', '{{.CurrentState}}', 'web'])).trim(),
        {
          timeout: 90_000,
          interval: 1000,
        },
      )
      .toMatch(/^Running.*\nRunning/);
    const activity = await ok<ActivityEntry[]>(call('activity.list', {}));
    expect(activity.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^docker service create --name web --replicas 2 .*--env GREETING=… .* lab\/busybox:latest$/),
      ]),
    );
  });

  it('refuses what Docker would refuse later, field by field, and a taken name as a CONFLICT', async () => {
    const base = {
      clusterId,
      name: 'other',
      image: LAB_IMAGES.service,
      mode: 'global',
      replicas: 1,
      args: [],
      ports: [{ target: 80, published: null, protocol: 'tcp', mode: 'host' }],
      networks: ['no-such-net'],
      env: [],
      mounts: [{ type: 'bind', source: 'relative', target: '/x', readOnly: false }],
      constraints: [],
      update: { parallelism: 1, delaySeconds: 0, failureAction: 'pause', order: 'stop-first' },
      rollback: { parallelism: 1, delaySeconds: 0, failureAction: 'pause', order: 'stop-first' },
    };
    const refused = await call('services.create', base);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('INVALID_ARGUMENT');
    expect(refused.error.issues?.map((i) => i.path)).toEqual(['ports.0.published', 'mounts.0.source', 'networks.0']);
    const taken = await call('services.create', { ...base, name: 'web', ports: [], networks: [], mounts: [] });
    expect(taken).toMatchObject({ ok: false, error: { code: 'CONFLICT', params: { name: 'web' } } });
  });

  it('will not remove a secret a service uses; once the service is gone, it will', async () => {
    await cli([
      'service',
      'update',
      '--detach',
      '--secret-add',
      'db_password',
      '--config-add',
      'source=nginx.conf,target=/etc/n.conf',
      'web',
    ]);
    const secrets = await ok<SwarmObjectSummary[]>(call('secrets.list', { clusterId }));
    expect(secrets[0]?.usedBy).toEqual(['web']);
    const refused = await call('secrets.remove', { clusterId, id: secretId });
    expect(refused).toMatchObject({ ok: false, error: { code: 'OBJECT_IN_USE', params: { name: 'db_password', services: 'web' } } });
    expect(await cli(['secret', 'ls', '--format', '{{.Name}}'])).toContain('db_password');
    expect(await call('configs.remove', { clusterId, id: configId })).toMatchObject({ ok: false, error: { code: 'OBJECT_IN_USE' } });

    await cli(['service', 'rm', 'web']);
    await ok(call('secrets.remove', { clusterId, id: secretId }));
    await ok(call('configs.remove', { clusterId, id: configId }));
    expect((await cli(['secret', 'ls', '--format', '{{.Name}}'])).trim()).toBe('');
    expect((await cli(['config', 'ls', '--format', '{{.Name}}'])).trim()).toBe('');
    const activity = await ok<ActivityEntry[]>(call('activity.list', {}));
    expect(activity.map((a) => `${a.action} ${a.result}`)).toEqual(
      expect.arrayContaining([
        'docker secret create --label tier=db db_password - ok',
        'docker secret create db_password - failed',
        'docker config create nginx.conf - ok',
        'docker secret rm db_password ok',
        'docker config rm nginx.conf ok',
      ]),
    );
  });

  it('keeps the secret and env values out of every file, log line and pushed event', async () => {
    const files = await readdir(join(dir, 'data'), { recursive: true });
    const texts = await Promise.all(files.map((f) => readFile(join(dir, 'data', f), 'utf8').catch(() => '')));
    const activity = JSON.stringify(await ok(call('activity.list', {})));
    const haystacks = [...texts, logger.lines.join('\n'), JSON.stringify(seen), activity];
    expect(files).toEqual(expect.arrayContaining(['activity.jsonl']));
    for (const secret of [SECRET_VALUE, Buffer.from(SECRET_VALUE).toString('base64'), ENV_VALUE])
      for (const text of haystacks) expect(text.includes(secret)).toBe(false);
  });
});
