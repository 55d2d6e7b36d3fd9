import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ActivityEntry, Result, StackCheck, StackDeployResult, StackSummary } from '../../contract.js';
import { hostInput, lab, LAB_IMAGES } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

// `docker stack deploy|ls|rm` through the contract against a real swarm, checked with the swarm's own CLI.
const compose = (replicas: number) => `
version: "3.8"
services:
  worker:
    image: ${LAB_IMAGES.service}
    command: sh -c 'while true; do sleep 1; done'
    networks: [back]
    secrets: [db_password]
    configs: [{ source: app, target: /etc/app.conf }]
    cap_add: [NET_ADMIN]
    depends_on: [web]
    deploy:
      replicas: ${replicas}
      labels: { team: shop }
  web:
    image: ${LAB_IMAGES.service}
    networks: { back: { aliases: [www] } }
    ports: ["8080:80"]
networks:
  back: { attachable: true }
secrets:
  db_password: { external: true }
configs:
  app: { content: "greeting=hello\\n" }
`;

describeLab('compose stacks', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let core: Core;
  let clusterId: string;
  const manager = () => lab.managers[0]!.name;
  const cli = async (args: string[]) => {
    const r = await lab.swarm.docker(manager(), args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const labelled = async (stack: string) => {
    const filter = ['--filter', `label=com.docker.stack.namespace=${stack}`, '--format', '{{.Name}}'];
    const out = await Promise.all([
      cli(['service', 'ls', ...filter]),
      cli(['network', 'ls', ...filter]),
      cli(['config', 'ls', ...filter]),
      cli(['secret', 'ls', ...filter]),
    ]);
    return out.join('\n').split('\n').filter(Boolean).sort();
  };
  const inspect = async (name: string) =>
    JSON.parse(await cli(['service', 'inspect', name, '--format', '{{json .}}'])) as { ID: string; Spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const call = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 1, workers: 1, passwordHost: false });
    await lab.swarm.form();
    const made = await lab.exec(manager(), ['sh', '-c', 'printf s3cret-value | docker secret create db_password -']);
    if (made.code !== 0) throw new Error(made.stderr);
    core = await testCore(join(dir, 'data'));
    core.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
    });
    for (const h of lab.hosts) {
      call(await core.dispatch('hosts.save', hostInput(h)));
    }
    clusterId = call<{ id: string }>(await core.dispatch('clusters.adopt', { name: 'lab', via: manager(), mapping: {} })).id;
  });
  afterAll(async () => {
    await lab.down();
    await cleanup?.();
  });

  it('checks a file: what would be created, what is ignored, nothing changed', async () => {
    const check = call<StackCheck>(await core.dispatch('stacks.check', { clusterId, name: 'shop', compose: compose(2) }));
    expect(check.deployable).toBe(true);
    expect(check.services).toEqual([
      { name: 'shop_worker', exists: false },
      { name: 'shop_web', exists: false },
    ]);
    expect(check.networks).toEqual([{ name: 'shop_back', exists: false, external: false }]);
    expect(check.secrets).toEqual([{ name: 'db_password', exists: true, external: true }]);
    expect(check.configs).toEqual([{ name: 'shop_app', exists: false, external: false }]);
    expect(check.findings).toEqual([expect.objectContaining({ severity: 'unsupported', path: 'services.worker.depends_on' })]);
    expect(await labelled('shop')).toEqual([]);
  });

  it('deploys: names, labels, replicas, aliases, the config and the external secret, as the CLI would', async () => {
    const result = call<StackDeployResult>(await core.dispatch('stacks.deploy', { clusterId, name: 'shop', compose: compose(2) }));
    expect(result.created).toEqual(['shop_back', 'shop_app', 'shop_worker', 'shop_web']);
    expect(result.updated).toEqual([]);
    expect(result.unsupported.map((f) => f.path)).toEqual(['services.worker.depends_on']);
    expect(await labelled('shop')).toEqual(['shop_app', 'shop_back', 'shop_web', 'shop_worker']);

    const worker = await inspect('shop_worker');
    expect(worker.Spec.Labels).toEqual({
      team: 'shop',
      'com.docker.stack.image': LAB_IMAGES.service,
      'com.docker.stack.namespace': 'shop',
    });
    expect(worker.Spec.Mode).toEqual({ Replicated: { Replicas: 2 } });
    expect(worker.Spec.TaskTemplate.ContainerSpec.CapabilityAdd).toEqual(['NET_ADMIN']);
    const web = await inspect('shop_web');
    expect(web.Spec.TaskTemplate.Networks).toEqual([expect.objectContaining({ Aliases: ['web', 'www'] })]);
    expect(web.Spec.EndpointSpec.Ports).toEqual([expect.objectContaining({ TargetPort: 80, PublishedPort: 8080 })]);
    expect(
      await cli([
        'network',
        'inspect',
        'shop_back',
        '--format',
        '{{.Driver}} {{.Attachable}} {{index .Labels "com.docker.stack.namespace"}}',
      ]),
    ).toBe('overlay true shop');

    await expect
      .poll(() => cli(['service', 'ls', '--filter', 'name=shop_', '--format', '{{.Name}} {{.Replicas}}']), {
        timeout: 90_000,
        interval: 1000,
      })
      .toBe('shop_web 1/1\nshop_worker 2/2');
    // Inside a worker task: the config, the secret, and the other service by its compose name and alias.
    let container = '';
    let host = '';
    for (const h of lab.hosts) {
      const id = (await lab.swarm.docker(h.name, ['ps', '-q', '--filter', 'label=com.docker.swarm.service.name=shop_worker'])).stdout
        .trim()
        .split('\n')[0];
      if (id) [container, host] = [id, h.name];
    }
    const inTask = async (cmd: string) => (await lab.swarm.docker(host, ['exec', container, 'sh', '-c', cmd])).stdout.trim();
    expect(await inTask('cat /etc/app.conf')).toBe('greeting=hello');
    expect(await inTask('cat /run/secrets/db_password')).toBe('s3cret-value');
    expect(await inTask('nslookup www >/dev/null && nslookup web >/dev/null && echo resolved')).toBe('resolved');

    const log = call<ActivityEntry[]>(await core.dispatch('activity.list', { cluster: 'lab' }));
    expect(log.map((e) => [e.action, e.result])).toEqual(
      expect.arrayContaining([
        ['docker network create --driver overlay shop_back', 'ok'],
        ['docker config create shop_app', 'ok'],
        ['docker service create shop_worker', 'ok'],
      ]),
    );
    expect(JSON.stringify(log)).not.toContain('greeting=hello');
  });

  it('redeploys with another replica count: an update of the same service', async () => {
    const before = await inspect('shop_worker');
    const again = call<StackCheck>(await core.dispatch('stacks.check', { clusterId, name: 'shop', compose: compose(3) }));
    expect(again.services.every((s) => s.exists)).toBe(true);
    const result = call<StackDeployResult>(await core.dispatch('stacks.deploy', { clusterId, name: 'shop', compose: compose(3) }));
    expect(result).toMatchObject({ created: [], updated: ['shop_worker', 'shop_web'] });
    const after = await inspect('shop_worker');
    expect(after.ID).toBe(before.ID);
    expect(after.Spec.Mode).toEqual({ Replicated: { Replicas: 3 } });
    // Sent whole: an update that left something out would have reset it.
    expect(after.Spec.TaskTemplate.ContainerSpec.Secrets).toEqual(before.Spec.TaskTemplate.ContainerSpec.Secrets);
  });

  it('lists the stack', async () => {
    const stacks = call<StackSummary[]>(await core.dispatch('stacks.list', { clusterId }));
    expect(stacks).toEqual([
      { name: 'shop', services: ['shop_web', 'shop_worker'], networks: ['shop_back'], secrets: [], configs: ['shop_app'] },
    ]);
  });

  it('deploys nothing from a file with an error', async () => {
    const bad = `services:\n  api:\n    image: ${LAB_IMAGES.service}\n    replicas: 2\n`;
    const result = await core.dispatch('stacks.deploy', { clusterId, name: 'bad', compose: bad });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'COMPOSE_INVALID', params: { detail: expect.stringContaining('services.api.replicas') } },
    });
    expect(await labelled('bad')).toEqual([]);
  });

  it('removes the stack: services, then its network and config; the external secret stays', async () => {
    const { removed } = call<{ removed: string[] }>(await core.dispatch('stacks.remove', { clusterId, name: 'shop' }));
    expect(removed).toEqual(['shop_web', 'shop_worker', 'shop_back', 'shop_app']);
    // The tasks were waited for before the network went, so nothing is left behind on the nodes either.
    for (const h of lab.hosts) {
      expect((await lab.swarm.docker(h.name, ['ps', '-q', '--filter', 'label=com.docker.stack.namespace=shop'])).stdout.trim()).toBe('');
    }
    await expect.poll(() => labelled('shop'), { timeout: 10_000, interval: 500 }).toEqual([]);
    expect(await cli(['secret', 'ls', '--format', '{{.Name}}'])).toBe('db_password');
    expect(await core.dispatch('stacks.remove', { clusterId, name: 'shop' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
