import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ContractEvents, EdgeState, Result } from '../../contract.js';
import { hostInput, lab } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

// The edge target list against a real swarm: it follows drains and activations made outside the
// app (Docker's events reach the live model, the model reaches the file), locally and over SSH.
describeLab('the edge target list', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let core: Core;
  let clusterId: string;
  const written: ContractEvents['edge:written'][] = [];

  const ok = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  const server = (name: string) => `    server ${lab.host(name).address}:8080;`;
  const remoteFile = async (name: string, path: string): Promise<string | null> => {
    const r = await lab.exec(name, ['cat', path]);
    return r.code === 0 ? r.stdout : null;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 1, workers: 2, passwordHost: false });
    await lab.swarm.form();
    core = await testCore(join(dir, 'data'));
    core.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
      if (event === 'edge:written') written.push(payload as ContractEvents['edge:written']);
    });
    for (const h of lab.hosts) {
      ok(await core.dispatch('hosts.save', hostInput(h)));
    }
    clusterId = ok<{ id: string }>(await core.dispatch('clusters.adopt', { name: 'lab', via: lab.managers[0]!.name, mapping: {} })).id;
  });
  afterAll(async () => {
    if (core) await core.dispatch('edge.disable', { clusterId });
    await lab.down();
    await cleanup();
  });

  it('writes an nginx upstream of the three nodes, and follows a drain and an activation', async () => {
    const path = join(dir, 'swarm-upstream.conf');
    const worker = lab.workers[0]!.name;
    const state = ok<EdgeState>(
      await core.dispatch('edge.configure', {
        clusterId,
        config: { port: 8080, label: null, format: 'nginx', name: 'swarm_web', output: { kind: 'file', path } },
      }),
    );
    expect(state).toMatchObject({ enabled: true, config: { format: 'nginx' } });
    const read = () => readFile(path, 'utf8').catch(() => '');
    await expect.poll(read, { timeout: 20_000 }).toContain('upstream swarm_web {');
    for (const h of lab.hosts) expect(await read()).toContain(server(h.name));
    // The file is renamed into place before the write is recorded and announced: the event comes a moment later.
    await expect.poll(() => written.at(-1)).toMatchObject({ clusterId, targets: 3 });

    const preview = ok<{ text: string; targets: { hostname: string }[] }>(await core.dispatch('edge.preview', { clusterId }));
    expect(preview.text).toBe(await read());
    expect(preview.targets.map((t) => t.hostname)).toEqual(lab.hosts.map((h) => h.name).sort());

    const drainedAt = Date.now();
    await lab.swarm.docker(lab.managers[0]!.name, ['node', 'update', '--availability', 'drain', worker]);
    await expect.poll(read, { timeout: 20_000 }).not.toContain(server(worker));
    const drainSeconds = (Date.now() - drainedAt) / 1000;
    expect(await read()).toContain(server(lab.managers[0]!.name));
    await expect.poll(() => written.at(-1)).toMatchObject({ targets: 2 });

    await lab.swarm.docker(lab.managers[0]!.name, ['node', 'update', '--availability', 'active', worker]);
    await expect.poll(read, { timeout: 20_000 }).toContain(server(worker));
    const writes = async () =>
      ok<{ action: string; result: string }[]>(await core.dispatch('activity.list', { cluster: 'lab' }))
        .filter((e) => e.action.startsWith('write edge targets'))
        .map((e) => e.result);
    await expect.poll(writes).toEqual(['ok', 'ok', 'ok']);
    console.info(`edge: drain reflected in the file after ${drainSeconds.toFixed(1)} s`);
  });

  it('copies the list to a proxy host over SSH (sudo) and runs the reload command there', async () => {
    const proxy = lab.workers[1]!.name;
    const path = '/etc/swarmdeck-edge/backend.cfg';
    await lab.exec(proxy, ['mkdir', '-p', '/etc/swarmdeck-edge']);
    await lab.exec(proxy, ['rm', '-f', '/tmp/reloaded']);
    const before = written.length;
    ok(
      await core.dispatch('edge.configure', {
        clusterId,
        config: {
          port: 8443,
          label: null,
          format: 'haproxy',
          name: 'swarm_web',
          output: { kind: 'ssh', host: proxy, path, reload: ['touch', '/tmp/reloaded'], sudo: true },
        },
      }),
    );
    await expect.poll(() => written.length > before && written.at(-1), { timeout: 30_000 }).toMatchObject({ targets: 3 });
    expect(written.at(-1)?.error).toBeUndefined();
    const text = await remoteFile(proxy, path);
    expect(text).toContain('backend swarm_web\n');
    for (const h of lab.hosts) expect(text).toContain(`server ${h.name} ${h.address}:8443 check`);
    expect(await remoteFile(proxy, '/tmp/reloaded')).toBe('');
    // Root wrote it through sudo, and left no temp file beside it.
    expect((await lab.exec(proxy, ['stat', '-c', '%U %a', path])).stdout.trim()).toBe('root 644');
    expect((await lab.exec(proxy, ['ls', '-A', '/etc/swarmdeck-edge'])).stdout.trim()).toBe('backend.cfg');

    // The list changes: a new write and a new reload.
    await lab.exec(proxy, ['rm', '-f', '/tmp/reloaded']);
    await lab.swarm.docker(lab.managers[0]!.name, ['node', 'update', '--availability', 'pause', lab.workers[0]!.name]);
    await expect.poll(() => remoteFile(proxy, path), { timeout: 20_000 }).not.toContain(`server ${lab.workers[0]!.name} `);
    await expect.poll(() => remoteFile(proxy, '/tmp/reloaded'), { timeout: 10_000 }).toBe('');
    const state = ok<EdgeState>(await core.dispatch('edge.disable', { clusterId }));
    expect(state).toMatchObject({ enabled: false, lastWrite: { targets: 2 } });
  });
});
