import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PoolScriptInfo, Result } from '../../contract.js';
import { hostInput, lab } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

// A pool's user-data script run on a fresh host, as cloud-init would at first boot: the host
// joins with the pool's role and carries the pool's engine label; a token rotation makes it stale.
describeLab('node pool user-data', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let core: Core;
  let clusterId: string;

  const ok = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 1, workers: 2, passwordHost: false });
    await lab.swarm.init(lab.managers[0]!.name);
    core = await testCore(join(dir, 'data'));
    core.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
    });
    const m = lab.managers[0]!;
    ok(await core.dispatch('hosts.save', hostInput(m)));
    clusterId = ok<{ id: string }>(await core.dispatch('clusters.adopt', { name: 'lab', via: m.name, mapping: {} })).id;
  });
  afterAll(async () => {
    await lab.down();
    await cleanup();
  });

  it('joins a fresh host as a worker of the pool, marked with the pool label', async () => {
    const manager = lab.managers[0]!.name;
    const fresh = lab.workers[0]!.name;
    const path = join(dir, 'workers.user-data.sh');
    const info = ok<PoolScriptInfo>(
      await core.dispatch('pools.writeUserData', {
        clusterId,
        pool: { name: 'workers', role: 'worker', labels: { zone: 'a' }, targetSize: 2 },
        path,
      }),
    );
    expect(info).toMatchObject({
      pool: 'workers',
      role: 'worker',
      targetSize: 2,
      managers: [`${lab.managers[0]!.address}:2377`],
      stale: [],
    });

    const script = await readFile(path, 'utf8');
    const started = Date.now();
    const run = await lab.exec(fresh, ['sh', '-c', script], 180_000);
    expect(run.stderr).toContain('joined through');
    expect(run.code).toBe(0);
    console.info(`pool: first-boot script joined in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const nodes = await lab.swarm.waitReady(manager, 2);
    expect(nodes.find((n) => n.hostname === fresh)).toMatchObject({ managerStatus: '' });
    const labels = await lab.swarm.docker(manager, ['node', 'inspect', fresh, '--format', '{{json .Description.Engine.Labels}}']);
    expect(JSON.parse(labels.stdout)).toEqual({ 'swarmdeck.pool': 'workers' });
    // The app saw the pool's node join and gave it the pool's labels.
    const nodeLabels = async () =>
      JSON.parse((await lab.swarm.docker(manager, ['node', 'inspect', fresh, '--format', '{{json .Spec.Labels}}'])).stdout) as unknown;
    await expect.poll(nodeLabels, { timeout: 20_000 }).toEqual({ zone: 'a' });
    const labelled = ok<{ action: string; result: string }[]>(await core.dispatch('activity.list', { cluster: 'lab' })).filter((e) =>
      e.action.includes('labels of pool workers'),
    );
    expect(labelled).toMatchObject([{ result: 'ok' }]);
    // Run again (a re-provisioned instance): nothing to do.
    const rerun = await lab.exec(fresh, ['sh', '-c', script], 60_000);
    expect(rerun.code).toBe(0);
    expect(rerun.stderr).toContain('already part of a swarm');
  });

  it('joins another fresh host as a manager through the manager pool', async () => {
    const manager = lab.managers[0]!.name;
    const fresh = lab.workers[1]!.name;
    const path = join(dir, 'managers.user-data.sh');
    ok(
      await core.dispatch('pools.writeUserData', {
        clusterId,
        pool: { name: 'managers', role: 'manager', labels: {}, targetSize: 3 },
        path,
      }),
    );
    const script = await readFile(path, 'utf8');
    expect(script).toContain("SECRET: this script contains the swarm's manager join token");
    const run = await lab.exec(fresh, ['sh', '-c', script], 180_000);
    expect(run.code).toBe(0);
    const nodes = await lab.swarm.waitReady(manager, 3);
    expect(nodes.find((n) => n.hostname === fresh)?.managerStatus).toBe('Reachable');
  });

  it('says the script is stale once the worker token rotates, or the managers change', async () => {
    const status = async () =>
      Object.fromEntries(ok<PoolScriptInfo[]>(await core.dispatch('pools.status', { clusterId })).map((p) => [p.pool, p.stale]));
    // Both scripts went out naming one manager; a second one joined since.
    expect(await status()).toEqual({ managers: ['managers'], workers: ['managers'] });
    await lab.swarm.docker(lab.managers[0]!.name, ['swarm', 'join-token', '--rotate', '-q', 'worker']);
    expect(await status()).toEqual({ managers: ['managers'], workers: ['token', 'managers'] });
  });

  it('scales the worker pool in: its node is removed safely, and the pool lists none', async () => {
    const fresh = lab.workers[0]!;
    const pool = async (name: string) =>
      ok<PoolScriptInfo[]>(await core.dispatch('pools.status', { clusterId })).find((p) => p.pool === name)!;
    const before = await pool('workers');
    expect(before.nodes).toMatchObject([{ hostname: fresh.name, role: 'worker', state: 'ready', availability: 'active' }]);
    expect((await pool('managers')).nodes.map((n) => n.hostname)).toEqual([lab.workers[1]!.name]);
    // The node must be in Hosts to be told to leave over SSH.
    ok(await core.dispatch('hosts.save', hostInput(fresh)));
    ok(await core.dispatch('nodes.remove', { clusterId, nodeId: before.nodes[0]!.id, override: false }));
    expect((await pool('workers')).nodes).toEqual([]);
    const state = (await lab.swarm.docker(fresh.name, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
    expect(state).toBe('inactive');
  });
});
