import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  ContractEvents,
  EntityDiff,
  LogLine,
  NodeRemovalProgress,
  Result,
  RotationProgress,
  TopologyDiff,
  TopologySnapshot,
} from '../../contract.js';
import { hostInput, lab, LAB_IMAGES } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

// Day two through the contract against a real swarm: the live model follows
// Docker, and the operations change what Docker says, guarded where they can hurt.
describeLab('the live topology and the operations', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let core: Core;
  let clusterId: string;
  let model: TopologySnapshot;
  const logs: LogLine[] = [];
  let resyncs = 0;
  const rotations: RotationProgress[] = [];
  const removals: NodeRemovalProgress[] = [];

  const ok = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  const merge = <T extends { id: string }>(list: T[], diff?: EntityDiff<T>): T[] => {
    if (!diff) return list;
    const byId = new Map(list.map((x) => [x.id, x]));
    for (const id of diff.remove) byId.delete(id);
    for (const x of diff.upsert) byId.set(x.id, x);
    return [...byId.values()];
  };
  const apply = (diff: TopologyDiff): void => {
    if (diff.clusterId !== clusterId) return;
    if (diff.version !== model.version + 1) {
      resyncs++;
      return;
    }
    model = {
      ...model,
      version: diff.version,
      nodes: merge(model.nodes, diff.nodes),
      services: merge(model.services, diff.services),
      tasks: merge(model.tasks, diff.tasks),
      networks: merge(model.networks, diff.networks),
      health: diff.health ?? model.health,
    };
  };
  const saveLabHosts = async (target: Core): Promise<void> => {
    for (const h of lab.hosts) {
      ok(await target.dispatch('hosts.save', hostInput(h)));
    }
  };
  const service = (name: string) => model.services.find((s) => s.name === name);
  const nodeNamed = (hostname: string) => model.nodes.find((n) => n.hostname === hostname)!;
  const hostnameOf = (nodeId: string | null) => model.nodes.find((n) => n.id === nodeId)?.hostname;

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 3, workers: 2, passwordHost: false });
    await lab.swarm.form();
    // Busybox printing its host name every half second, two replicas, spread over the workers.
    await lab.swarm.docker(lab.managers[0]!.name, [
      'service',
      'create',
      '--detach',
      '--name',
      'web',
      '--replicas',
      '2',
      '--no-resolve-image',
      '--constraint',
      'node.role==worker',
      '--replicas-max-per-node',
      '1',
      LAB_IMAGES.service,
      'sh',
      '-c',
      'while true; do echo "hello from $(hostname)"; sleep 0.5; done',
    ]);
    core = await testCore(join(dir, 'data'));
    core.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
      if (event === 'topology:diff') apply(payload as TopologyDiff);
      if (event === 'logs:lines') logs.push(...(payload as ContractEvents['logs:lines']).lines);
      if (event === 'swarm:rotation') rotations.push(payload as RotationProgress);
      if (event === 'nodes:removal') removals.push(payload as NodeRemovalProgress);
    });
    await saveLabHosts(core);
    clusterId = ok<{ id: string }>(await core.dispatch('clusters.adopt', { name: 'lab', via: lab.managers[0]!.name, mapping: {} })).id;
    model = ok<TopologySnapshot>(await core.dispatch('topology.watch', { clusterId }));
  });
  afterAll(async () => {
    await core?.dispatch('topology.unwatch', { clusterId });
    await lab.down();
    await cleanup();
  });

  it('starts from a snapshot of the swarm and its health', async () => {
    expect(model.nodes).toHaveLength(5);
    expect(model.nodes.filter((n) => n.role === 'manager')).toHaveLength(3);
    expect(model.health).toMatchObject({ managers: 3, reachable: 3, tolerates: 1, toleratesNow: 1 });
    expect(model.health.leader).toBe(lab.managers[0]!.name);
    await expect.poll(() => service('web')?.running, { timeout: 60_000 }).toBe(2);
    expect(service('web')).toMatchObject({ mode: 'replicated', replicas: 2, desired: 2, image: LAB_IMAGES.service });
  });

  it('follows a scale with diffs: the replica count and the tasks change', async () => {
    const web = service('web')!;
    ok(await core.dispatch('services.scale', { clusterId, serviceId: web.id, replicas: 4 }));
    // Changed outside the app too: the model sees Docker, not only its own operations.
    await expect.poll(() => service('web')?.replicas, { timeout: 10_000 }).toBe(4);
    await lab.swarm.docker(lab.managers[0]!.name, ['service', 'update', '--detach', '--replicas-max-per-node', '2', 'web']);
    await expect.poll(() => service('web')?.running, { timeout: 60_000 }).toBe(4);
    expect(model.tasks.filter((t) => t.serviceId === web.id && t.state === 'running')).toHaveLength(4);
    expect(resyncs).toBe(0);
  });

  it('updates the image with a rolling update: the whole spec kept, every task replaced, the update completed', async () => {
    // No registry here: the new image is the lab's own under another tag, on every worker the tasks may run on.
    for (const worker of lab.workers) await lab.swarm.docker(worker.name, ['tag', LAB_IMAGES.service, 'lab/busybox:v2']);
    const web = service('web')!;
    ok(await core.dispatch('services.updateImage', { clusterId, serviceId: web.id, image: 'lab/busybox:v2' }));
    await expect.poll(() => service('web')?.image, { timeout: 10_000 }).toBe('lab/busybox:v2');
    await expect.poll(() => service('web')?.updateState, { timeout: 120_000 }).toBe('completed');
    await expect.poll(() => service('web')?.running, { timeout: 60_000 }).toBe(4);
    const spec = JSON.parse(
      (await lab.swarm.docker(lab.managers[0]!.name, ['service', 'inspect', '--format', '{{json .Spec}}', 'web'])).stdout,
    ) as {
      Mode: { Replicated: { Replicas: number } };
      TaskTemplate: { ContainerSpec: { Image: string; Args: string[] }; Placement: { Constraints: string[] } };
    };
    expect(spec.Mode.Replicated.Replicas).toBe(4);
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe('lab/busybox:v2');
    expect(spec.TaskTemplate.ContainerSpec.Args.join(' ')).toContain('hello from');
    expect(spec.TaskTemplate.Placement.Constraints).toEqual(['node.role==worker']);
  });

  it("follows a change made outside the app from Docker's events, long before the next poll", async () => {
    // A second core that polls once a minute: only the event stream can bring the change sooner.
    const slow = await testCore(join(dir, 'slow'), undefined, { topology: { minPollMs: 60_000, reconcileMs: 60_000 } });
    slow.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey')
        void slow.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
    });
    await saveLabHosts(slow);
    const slowId = ok<{ id: string }>(await slow.dispatch('clusters.adopt', { name: 'lab', via: lab.managers[0]!.name, mapping: {} })).id;
    let replicas = ok<TopologySnapshot>(await slow.dispatch('topology.watch', { clusterId: slowId })).services.find(
      (s) => s.name === 'web',
    )?.replicas;
    slow.events.subscribe((event, payload) => {
      const diff = payload as TopologyDiff;
      if (event !== 'topology:diff' || diff.clusterId !== slowId) return;
      replicas = diff.services?.upsert.find((s) => s.name === 'web')?.replicas ?? replicas;
    });
    expect(replicas).toBe(4);
    await lab.swarm.docker(lab.managers[0]!.name, ['service', 'scale', '--detach', 'web=3']);
    await expect.poll(() => replicas, { timeout: 20_000 }).toBe(3);
    await slow.dispatch('topology.unwatch', { clusterId: slowId });
    await lab.swarm.docker(lab.managers[0]!.name, ['service', 'scale', '--detach', 'web=4']);
    await expect.poll(() => service('web')?.replicas, { timeout: 10_000 }).toBe(4);
  });

  it("gathers a service's logs across the tasks on both workers", async () => {
    const web = service('web')!;
    const { streamId } = ok<{ streamId: string }>(
      await core.dispatch('services.logs', { clusterId, serviceId: web.id, follow: true, tail: 20 }),
    );
    await expect.poll(() => new Set(logs.map((l) => l.node)).size, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    ok(await core.dispatch('services.stopLogs', { streamId }));
    expect(new Set(logs.map((l) => l.node))).toEqual(new Set(lab.workers.map((w) => w.name)));
    expect(logs.every((l) => /^web\.\d+$/.test(l.task) && l.text.startsWith('hello from'))).toBe(true);
  });

  it('drains a worker: its tasks move to the other one', async () => {
    const [drained, other] = lab.workers;
    ok(await core.dispatch('nodes.setAvailability', { clusterId, nodeId: nodeNamed(drained!.name).id, availability: 'drain' }));
    await expect.poll(() => nodeNamed(drained!.name).availability, { timeout: 10_000 }).toBe('drain');
    const web = service('web')!;
    const runningOn = () => model.tasks.filter((t) => t.serviceId === web.id && t.state === 'running').map((t) => hostnameOf(t.nodeId));
    await expect.poll(() => runningOn().every((h) => h === other!.name) && runningOn().length === 2, { timeout: 60_000 }).toBe(true);
    ok(await core.dispatch('nodes.setAvailability', { clusterId, nodeId: nodeNamed(drained!.name).id, availability: 'active' }));
  });

  it('promotes a worker and demotes it again', async () => {
    const worker = lab.workers[1]!;
    ok(await core.dispatch('nodes.setRole', { clusterId, nodeId: nodeNamed(worker.name).id, role: 'manager', override: false }));
    await expect.poll(() => nodeNamed(worker.name).reachability, { timeout: 30_000 }).toBe('reachable');
    expect(model.health.managers).toBe(4);
    expect(model.health.warnings.map((w) => w.code)).toContain('MANAGERS_EVEN');
    ok(await core.dispatch('nodes.setRole', { clusterId, nodeId: nodeNamed(worker.name).id, role: 'worker', override: false }));
    await expect.poll(() => model.health.managers, { timeout: 30_000 }).toBe(3);
  });

  it("opens a shell in a task on a worker, through that worker's own Docker, and runs hostname", async () => {
    const web = service('web')!;
    // The promotion just before moved tasks around (the service runs on workers only): wait for one to run again.
    const onWorker = () =>
      model.tasks.find((t) => t.serviceId === web.id && t.state === 'running' && lab.workers.some((w) => w.name === hostnameOf(t.nodeId)));
    await expect.poll(onWorker, { timeout: 60_000 }).toBeDefined();
    const task = onWorker()!;
    const output: string[] = [];
    let ended = false;
    const stop = core.events.subscribe((event, payload) => {
      const p = payload as { sessionId: string; data?: string };
      if (event === 'exec:output') output.push(Buffer.from(p.data!, 'base64').toString('utf8'));
      if (event === 'exec:ended') ended = true;
    });
    try {
      const session = ok<{ sessionId: string; host: string; container: string }>(
        await core.dispatch('exec.open', { clusterId, taskId: task.id, cols: 100, rows: 30 }),
      );
      expect(session.host).toBe(hostnameOf(task.nodeId));
      ok(await core.dispatch('exec.resize', { sessionId: session.sessionId, cols: 120, rows: 40 }));
      ok(await core.dispatch('exec.input', { sessionId: session.sessionId, data: 'hostname; stty size\n' }));
      // A container's hostname is its short ID by default; stty shows the resize arrived.
      await expect.poll(() => output.join(''), { timeout: 15_000 }).toContain(session.container);
      await expect.poll(() => output.join(''), { timeout: 15_000 }).toContain('40 120');
      ok(await core.dispatch('exec.input', { sessionId: session.sessionId, data: 'exit\n' }));
      await expect.poll(() => ended, { timeout: 15_000 }).toBe(true);
      // The private marker with the shell's PID never reaches the operator.
      expect(output.join('')).not.toContain('7770;');

      // Closed with a program in the foreground: the shell and the program go too (Docker would leave them running).
      const second = ok<{ sessionId: string; container: string }>(
        await core.dispatch('exec.open', { clusterId, taskId: task.id, cols: 100, rows: 30 }),
      );
      ok(await core.dispatch('exec.input', { sessionId: second.sessionId, data: 'sleep 4242\n' }));
      const worker = hostnameOf(task.nodeId)!;
      const top = async () => (await lab.swarm.docker(worker, ['top', second.container])).stdout;
      await expect.poll(top, { timeout: 15_000 }).toContain('sleep 4242');
      ok(await core.dispatch('exec.close', { sessionId: second.sessionId }));
      await expect.poll(top, { timeout: 15_000 }).not.toContain('sleep 4242');
      // The task's own process is `sh -c …`; the interactive shell's command line is a bare `sh` or `bash`.
      expect((await top()).split('\n').filter((line) => /\s(sh|bash)$/.test(line.trim()) || / (sh|bash)$/.test(line))).toEqual([]);
    } finally {
      stop();
    }
  });

  it("rotates the swarm's CA with progress, until every node holds a certificate from the new root", async () => {
    const via = lab.managers[0]!;
    const rootBefore = (await lab.swarm.docker(via.name, ['info', '--format', '{{.Swarm.Cluster.TLSInfo.TrustRoot}}'])).stdout.trim();
    ok(await core.dispatch('swarm.rotate', { clusterId, what: 'ca' }));
    const seen = rotations.filter((r) => r.what === 'ca');
    expect(seen[0]).toMatchObject({ state: 'running' });
    expect(seen.at(-1)).toMatchObject({ state: 'done' });
    const last = seen.filter((r) => r.total > 0).at(-1)!;
    expect(last.done).toBe(last.total);
    expect(last.total).toBe(5);
    const rootAfter = (await lab.swarm.docker(via.name, ['info', '--format', '{{.Swarm.Cluster.TLSInfo.TrustRoot}}'])).stdout.trim();
    expect(rootAfter).not.toBe(rootBefore);
    const rotating = (await lab.swarm.docker(via.name, ['info', '--format', '{{.Swarm.Cluster.RootRotationInProgress}}'])).stdout.trim();
    expect(rotating).toBe('false');
  });

  it('rotates the worker token: a host trying the old one is refused, the new one joins', async () => {
    const via = lab.managers[0]!;
    const old = (await lab.swarm.tokens(via.name)).worker;
    ok(await core.dispatch('swarm.rotate', { clusterId, what: 'workerToken' }));
    const fresh = (await lab.swarm.tokens(via.name)).worker;
    expect(fresh).not.toBe(old);
    const worker = lab.workers[0]!;
    // A worker's leave can time out while its agent shuts down, and still have left: judge by the state.
    await lab.swarm.leave(worker.name).catch(() => undefined);
    const state = async () => (await lab.swarm.docker(worker.name, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
    await expect.poll(state, { timeout: 60_000 }).toBe('inactive');
    const refused = await lab.swarm.docker(worker.name, [
      'swarm',
      'join',
      '--token',
      old,
      '--advertise-addr',
      worker.address,
      `${via.address}:2377`,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/token/i);
    const joined = await lab.swarm.docker(worker.name, [
      'swarm',
      'join',
      '--token',
      fresh,
      '--advertise-addr',
      worker.address,
      `${via.address}:2377`,
    ]);
    expect(joined.code).toBe(0);
  });

  it("stops the leader's host: a new leader, one failure less to spare, and the demote guard holds", async () => {
    const leader = lab.managers[0]!;
    await lab.stop(leader.name);
    await expect.poll(() => model.health.leader !== null && model.health.leader !== leader.name, { timeout: 90_000 }).toBe(true);
    await expect.poll(() => model.health.toleratesNow, { timeout: 60_000 }).toBe(0);
    expect(model.health).toMatchObject({ managers: 3, reachable: 2, tolerates: 1 });
    expect(model.health.warnings).toContainEqual(
      expect.objectContaining({ code: 'MANAGERS_UNREACHABLE', params: expect.objectContaining({ hosts: leader.name }) }),
    );

    const survivor = lab.managers[1]!;
    const refused = await core.dispatch('nodes.setRole', {
      clusterId,
      nodeId: nodeNamed(survivor.name).id,
      role: 'worker',
      override: false,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'QUORUM_GUARD', params: { reachable: '1', managers: '2', needed: '2' } } });
    expect(nodeNamed(survivor.name).role).toBe('manager');

    const activity = ok<{ action: string; result: string }[]>(await core.dispatch('activity.list', { cluster: 'lab' }));
    expect(activity.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'docker service scale web=4',
        `docker node update --availability drain ${lab.workers[0]!.name}`,
        `docker node promote ${lab.workers[1]!.name}`,
      ]),
    );
  });

  it('refuses to remove a manager when the rest would lose quorum, and leaves it as it was', async () => {
    const survivor = nodeNamed(lab.managers[1]!.name);
    const refused = await core.dispatch('nodes.remove', { clusterId, nodeId: survivor.id, override: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'QUORUM_GUARD' } });
    expect(removals.filter((r) => r.nodeId === survivor.id)).toEqual([]);
    const availability = await lab.swarm.docker(lab.managers[1]!.name, ['node', 'inspect', '--format', '{{.Spec.Availability}}', 'self']);
    expect(availability.stdout.trim()).toBe('active');
  });

  it('removes a worker safely: drained, its tasks gone, it left over SSH, and it is no longer a node', async () => {
    const worker = lab.workers[1]!;
    const node = nodeNamed(worker.name);
    ok(await core.dispatch('nodes.remove', { clusterId, nodeId: node.id, override: false }));
    const finished = removals.filter((r) => r.nodeId === node.id && r.state !== 'running');
    expect(finished.map((r) => r.step)).toEqual(['drain', 'wait', 'leave', 'remove']);
    expect(finished.find((r) => r.step === 'drain')?.state).toBe('done');
    expect(finished.find((r) => r.step === 'leave')?.state).toBe('done');
    expect(finished.find((r) => r.step === 'remove')?.state).toBe('done');
    const state = (await lab.swarm.docker(worker.name, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
    expect(state).toBe('inactive');
    const listed = (await lab.swarm.docker(lab.managers[1]!.name, ['node', 'ls', '--format', '{{.ID}}'])).stdout;
    expect(listed).not.toContain(node.id);
    await expect.poll(() => model.nodes.some((n) => n.id === node.id), { timeout: 10_000 }).toBe(false);
  });

  it('removes a stale entry of a host that rejoined as another node, without touching that host', async () => {
    // The rotation test made worker 0 leave and join again: its first node entry stayed behind, down.
    const worker = lab.workers[0]!;
    const entries = model.nodes.filter((n) => n.hostname === worker.name);
    const stale = entries.find((n) => n.state === 'down')!;
    expect(stale).toBeDefined();
    ok(await core.dispatch('nodes.remove', { clusterId, nodeId: stale.id, override: false }));
    expect(removals.find((r) => r.nodeId === stale.id && r.step === 'leave' && r.state !== 'running')?.state).toBe('skipped');
    const state = (await lab.swarm.docker(worker.name, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
    expect(state).toBe('active');
    await expect.poll(() => model.nodes.filter((n) => n.hostname === worker.name).length, { timeout: 10_000 }).toBe(1);
  });
});
