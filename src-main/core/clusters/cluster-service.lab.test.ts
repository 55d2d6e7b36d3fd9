import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClusterProfile, ContractEvents, HostRecord, Result } from '../../contract.js';
import { hostInput, lab } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

// Through the contract, as the renderer uses it: a profile of real hosts, one of them a worker.
describeLab('connecting to a cluster profile', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let core: Core;
  let cluster: ClusterProfile;
  const links: ContractEvents['clusters:link'][] = [];

  const ok = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.value as T;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 2, workers: 1, passwordHost: false });
    await lab.swarm.form();
    core = await testCore(join(dir, 'data'));
    core.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
      if (event === 'clusters:link') links.push(payload as ContractEvents['clusters:link']);
    });
    // The worker first: it must be passed over, not reported as the cluster being down.
    for (const host of [...lab.workers, ...lab.managers]) {
      ok<HostRecord>(await core.dispatch('hosts.save', hostInput(host)));
    }
    cluster = ok(await core.dispatch('clusters.create', { name: 'lab', hosts: [...lab.workers, ...lab.managers].map((h) => h.name) }));
  });
  afterAll(async () => {
    await lab.down();
    await cleanup();
  });

  it('answers through the first manager, passing over the worker', async () => {
    const connection = ok(await core.dispatch('clusters.connect', { id: cluster.id }));
    expect(connection).toEqual({ manager: lab.managers[0]!.name, nodes: 3, managers: 2, unlocked: [] });
    expect(links.at(-1)).toEqual({ id: cluster.id, state: 'using', manager: lab.managers[0]!.name });
  });

  it('says which hosts are missing from Hosts instead of guessing how to reach them', async () => {
    const other = ok<ClusterProfile>(
      await core.dispatch('clusters.create', { name: 'elsewhere', hosts: ['ops@10.9.9.9', lab.managers[0]!.name] }),
    );
    expect(await core.dispatch('clusters.connect', { id: other.id })).toMatchObject({
      ok: false,
      error: { code: 'CLUSTER_HOSTS_UNKNOWN', params: { hosts: 'ops@10.9.9.9' } },
    });
  });

  it('moves to the other manager when the first one stops, and says so', async () => {
    await lab.stop(lab.managers[0]!);
    const reached = async () => (await core.dispatch('clusters.connect', { id: cluster.id })) as Result<{ manager: string }>;
    // With one of two managers gone the swarm has no quorum: the survivor answers, but only to say so.
    await expect
      .poll(
        async () => {
          const result = await reached();
          return result.ok ? result.value.manager : result.error.code;
        },
        { timeout: 60_000 },
      )
      .toBe('QUORUM_LOST');
    expect(links.some((l) => l.state === 'using' && l.manager === lab.managers[1]!.name)).toBe(true);
  });
});
