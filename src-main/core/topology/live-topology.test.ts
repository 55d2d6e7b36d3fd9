import Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSwarm } from '../../../bench/topology/swarm.js';
import { NOW } from '../../../bench/topology/shapes.js';
import { selectTasks } from '../../../bench/topology/task-filters.js';
import type { TopologyDiff, TopologySnapshot } from '../../contract.js';
import {
  taskCounts,
  toNetwork,
  toNode,
  toService,
  toTask,
  type ApiNetwork,
  type ApiNode,
  type ApiService,
  type ApiTask,
} from './convert.js';
import { readList } from './docker-list.js';
import { computeHealth } from './health.js';
import { LiveTopology, type TopologySource } from './live-topology.js';

// The live model reads Docker's lists by skimming them (skim.ts) and skips
// tasks whose Version it has seen. Here it is held to the straightforward
// reading it replaced: every list through dockerode, parsed whole, converted
// whole, and diffed by each record's JSON.

type Model = Omit<TopologySnapshot, 'clusterId' | 'version'>;
const HOUR = 3_600_000;

/** The model as the core built it before: whole lists, whole parses. */
async function modelBefore(docker: Docker): Promise<Model> {
  const [nodes, services, tasks, networks, swarm] = await Promise.all([
    docker.listNodes() as Promise<ApiNode[]>,
    docker.listServices() as Promise<ApiService[]>,
    docker.listTasks() as Promise<ApiTask[]>,
    docker.listNetworks({ filters: { scope: ['swarm'] } }) as Promise<ApiNetwork[]>,
    docker.swarmInspect() as Promise<{ ID: string; CreatedAt?: string; Spec?: { EncryptionConfig?: { AutoLockManagers?: boolean } } }>,
  ]);
  const taskRecords = tasks.map(toTask);
  const counts = taskCounts(taskRecords);
  const nodeRecords = nodes.map(toNode);
  const autolock = swarm.Spec?.EncryptionConfig?.AutoLockManagers === true;
  return {
    swarmId: swarm.ID,
    nodes: nodeRecords,
    services: services.map((s) => toService(s, counts.get(s.ID) ?? { running: 0, desiredGlobal: 0 })),
    tasks: taskRecords,
    networks: networks.map(toNetwork),
    health: computeHealth({
      nodes: nodeRecords,
      tasks: taskRecords,
      autolock,
      swarmCreatedAt: swarm.CreatedAt ?? null,
      tokensRotatedAt: null,
      now: NOW,
    }),
  };
}

/** What the JSON-diffing table sent for the step from `a` to `b`, in Docker's order. */
function diffBefore(a: Model, b: Model): Omit<TopologyDiff, 'clusterId' | 'version'> {
  const diff: Omit<TopologyDiff, 'clusterId' | 'version'> = {};
  for (const key of ['nodes', 'services', 'tasks', 'networks'] as const) {
    const old = new Map<string, string>(a[key].map((r) => [r.id, JSON.stringify(r)]));
    const ids = new Set(b[key].map((r) => r.id));
    const upsert = (b[key] as { id: string }[]).filter((r) => old.get(r.id) !== JSON.stringify(r));
    const remove = [...old.keys()].filter((id) => !ids.has(id));
    if (upsert.length > 0 || remove.length > 0) Object.assign(diff, { [key]: { upsert, remove } });
  }
  if (JSON.stringify(a.health) !== JSON.stringify(b.health)) diff.health = b.health;
  return diff;
}

const withoutHeader = ({ clusterId: _c, version: _v, ...rest }: { clusterId: string; version: number }) => rest;
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** A model or a diff with its lists in ID order: a poll upserts in another order than Docker lists. */
function ordered<T extends object>(x: T): T {
  const out = { ...x } as Record<string, unknown>;
  for (const key of ['nodes', 'services', 'tasks', 'networks']) {
    const v = out[key] as { id: string }[] | { upsert: { id: string }[]; remove: string[] } | undefined;
    if (Array.isArray(v)) out[key] = [...v].sort(byId);
    else if (v) out[key] = { upsert: [...v.upsert].sort(byId), remove: [...v.remove].sort() };
  }
  return out as T;
}

describe('LiveTopology reading a synthetic swarm', () => {
  const swarm = generateSwarm({ nodes: 40, managers: 3, services: 60, tasks: 900 }, 7);
  let answer: ((path: string) => { status: number; body: string } | 'cut' | null) | null = null;
  /** The requests the server answered, with their decoded query. */
  const requests: string[] = [];
  /** A services list other than the swarm's (one read before a service went). */
  let servedServices: ApiService[] | null = null;
  let dir: string;
  let server: Server;
  let docker: Docker;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmdeck-live-topology-'));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://docker');
      const path = url.pathname.replace(/^\/v1\.\d+/, '');
      const special = answer?.(path);
      if (special === 'cut') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(JSON.stringify(swarm.tasks).slice(0, 5000));
        setTimeout(() => res.destroy(), 20);
        return;
      }
      requests.push(url.search ? `${path}?${decodeURIComponent(url.search.slice(1))}` : path);
      // Docker's task filters, as the benchmark's fake daemon applies them.
      const selection = path === '/tasks' ? selectTasks(url.searchParams.get('filters'), swarm.services, swarm.nodes) : null;
      if (selection && !selection.ok) return void res.writeHead(selection.status).end(JSON.stringify({ message: selection.message }));
      const lists: Record<string, unknown> = {
        '/nodes': swarm.nodes,
        '/services': servedServices ?? swarm.services,
        '/tasks': selection?.ok ? swarm.tasks.filter(selection.keep) : swarm.tasks,
        '/networks': swarm.networks.filter((n) => n.Scope === 'swarm'),
        '/swarm': swarm.swarm,
      };
      const { status, body } = special ?? { status: 200, body: JSON.stringify(lists[path]) };
      res.writeHead(status, { 'Content-Type': 'application/json' });
      // In uneven pieces, as a stream over SSH arrives.
      const bytes = Buffer.from(body);
      for (let i = 0, size = 1; i < bytes.length; i += size, size = 1 + ((size * 7 + 3) % 9000)) res.write(bytes.subarray(i, i + size));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'docker.sock'), resolve));
    docker = new Docker({ socketPath: join(dir, 'docker.sock') });
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const source = (): TopologySource => ({ request: (_kind, call) => call(docker) });

  it('gives the same snapshot, and the same diffs after changes, as whole parses diffed by JSON', async () => {
    let onDiff: (diff: TopologyDiff) => void = () => undefined;
    const live = new LiveTopology(
      'c',
      source(),
      (d) => onDiff(d),
      () => undefined,
      { minPollMs: HOUR, reconcileMs: HOUR, now: () => NOW },
    );
    try {
      const snapshot = await live.start();
      let expected = await modelBefore(docker);
      expect(withoutHeader(snapshot)).toEqual(expected);
      requests.length = 0;

      const changes: (() => void)[] = [
        () => swarm.mutate(1, 0.05),
        () => {
          // A service goes with its tasks, a node is drained, and a task's Version moves with nothing the map shows.
          const gone = swarm.services.pop()!;
          swarm.tasks.splice(0, swarm.tasks.length, ...swarm.tasks.filter((t) => t.ServiceID !== gone.ID));
          Object.assign(swarm.nodes[10]!, { Spec: { ...swarm.nodes[10]!.Spec, Availability: 'drain' } });
          (swarm.tasks[3] as unknown as { Version: { Index: number } }).Version.Index += 1000;
        },
        () => swarm.mutate(2, 0.3),
      ];
      const reads: string[][] = [];
      for (const change of changes) {
        change();
        const diff = new Promise<TopologyDiff>((resolve) => (onDiff = resolve));
        requests.length = 0;
        live.refreshNow();
        const got = await diff;
        reads.push(requests.filter((r) => r.startsWith('/tasks')));
        const next = await modelBefore(docker);
        expect(ordered(withoutHeader(got))).toEqual(ordered(diffBefore(expected, next)));
        expect(ordered(withoutHeader(live.snapshot()))).toEqual(ordered(next));
        expected = next;
      }
      // Polls: the tasks desired running, then the services whose running tasks changed, read whole; those of
      // the service removed, by ID; the change of 30 % of the tasks touched most services: every task is read.
      const live_ = '/tasks?filters={"desired-state":["running"]}';
      expect(reads).toEqual([
        [live_, expect.stringMatching(/^\/tasks\?filters=\{"service":\["\w+"(,"\w+")+\]\}$/)],
        [live_, expect.stringMatching(/^\/tasks\?filters=\{"id":\["\w+"(,"\w+")*\]\}$/)],
        [live_, '/tasks'],
      ]);
    } finally {
      live.stop();
    }
  }, 60_000);

  /** A model that reads on demand, on a clock the test moves; each read drains a node so it always sends a diff. */
  async function following(): Promise<{ live: LiveTopology; read(): Promise<TopologyDiff>; reconcile(): Promise<TopologyDiff> }> {
    let clock = NOW;
    let onDiff: (diff: TopologyDiff) => void = () => undefined;
    let status: string[] = [];
    const live = new LiveTopology(
      'c',
      source(),
      (d) => onDiff(d),
      (state) => status.push(state),
      { minPollMs: HOUR, reconcileMs: 30_000, now: () => clock },
    );
    await live.start();
    let turn = 0;
    const read = async (): Promise<TopologyDiff> => {
      const node = swarm.nodes[(turn++ % 5) + 20]!;
      Object.assign(node, { Spec: { ...node.Spec, Availability: node.Spec?.Availability === 'drain' ? 'active' : 'drain' } });
      const diff = new Promise<TopologyDiff>((resolve) => (onDiff = resolve));
      requests.length = 0;
      live.refreshNow();
      const got = await diff;
      expect(status).toEqual([]);
      status = [];
      return got;
    };
    const reconcile = (): Promise<TopologyDiff> => {
      clock += 30_000;
      return read();
    };
    return { live, read, reconcile };
  }
  const upserted = (diff: TopologyDiff, id: string) => diff.tasks?.upsert.find((t) => t.id === id);
  type Task = ApiTask & { Version: { Index: number }; Status: Record<string, unknown> };
  const bump = (t: Task, change: Partial<Task>): void => void Object.assign(t, { ...change, Version: { Index: t.Version.Index + 1 } });

  it('keeps history a poll does not list, and drops it at the reconcile once Docker pruned it', async () => {
    const { live, read, reconcile } = await following();
    try {
      const pruned = swarm.tasks.find((t) => t.DesiredState === 'shutdown' && t.Status?.State === 'failed')!;
      swarm.tasks.splice(swarm.tasks.indexOf(pruned), 1);
      const poll = await read();
      expect(requests.filter((r) => r.startsWith('/tasks'))).toEqual(['/tasks?filters={"desired-state":["running"]}']);
      expect(poll.tasks).toBeUndefined();
      expect(live.snapshot().tasks.find((t) => t.id === pruned.ID)).toMatchObject({ state: 'failed', desiredState: 'shutdown' });

      const full = await reconcile();
      expect(requests.filter((r) => r.startsWith('/tasks'))).toEqual(['/tasks']);
      expect(full.tasks).toEqual({ upsert: [], remove: [pruned.ID] });
      expect(ordered(withoutHeader(live.snapshot()))).toEqual(ordered(await modelBefore(docker)));
    } finally {
      live.stop();
    }
  });

  it('shows a task replaced between polls, the failed one with its state, and one still stopping until it stops', async () => {
    const { live, read } = await following();
    try {
      const running = swarm.tasks.filter((t) => t.DesiredState === 'running' && t.Status?.State === 'running' && t.Slot) as Task[];
      const [failed, stopping] = [running[0]!, running.find((t) => t.ServiceID !== running[0]!.ServiceID)!];
      const replace = (old: Task, id: string): Task => {
        const fresh = structuredClone(old);
        Object.assign(fresh, {
          ID: id,
          Version: { Index: old.Version.Index + 5000 },
          DesiredState: 'running',
          Status: { ...old.Status, State: 'starting', Err: undefined },
        });
        swarm.tasks.push(fresh);
        return fresh;
      };
      bump(failed, { DesiredState: 'shutdown', Status: { ...failed.Status, State: 'failed', Err: 'task: non-zero exit (1)' } });
      bump(stopping, { DesiredState: 'shutdown' });
      const [a, b] = [replace(failed, 'replacementforthefailed01'), replace(stopping, 'replacementforthestopped')];
      const poll = await read();
      expect(requests.filter((r) => r.startsWith('/tasks'))).toEqual([
        '/tasks?filters={"desired-state":["running"]}',
        `/tasks?filters={"service":${JSON.stringify([failed.ServiceID!, stopping.ServiceID!].sort())}}`,
      ]);
      expect(upserted(poll, failed.ID)).toMatchObject({ state: 'failed', desiredState: 'shutdown', error: 'task: non-zero exit (1)' });
      expect(upserted(poll, stopping.ID)).toMatchObject({ state: 'running', desiredState: 'shutdown' });
      for (const t of [a, b]) expect(upserted(poll, t.ID)).toMatchObject({ state: 'starting', desiredState: 'running' });
      expect(ordered(withoutHeader(live.snapshot()))).toEqual(ordered(await modelBefore(docker)));

      // Its service's running tasks are as they were: the poll reads it again because that task has not settled.
      bump(stopping, { Status: { ...stopping.Status, State: 'shutdown' } });
      const next = await read();
      expect(requests.filter((r) => r.startsWith('/tasks'))).toEqual([
        '/tasks?filters={"desired-state":["running"]}',
        `/tasks?filters={"service":["${stopping.ServiceID}"]}`,
      ]);
      expect(next.tasks?.upsert.map((t) => [t.id, t.state])).toEqual([[stopping.ID, 'shutdown']]);
      expect((await read()).tasks).toBeUndefined();
      expect(requests.filter((r) => r.startsWith('/tasks'))).toEqual(['/tasks?filters={"desired-state":["running"]}']);
    } finally {
      live.stop();
    }
  });

  it("reads by ID the tasks of a service Docker no longer lists, and every task if one goes between its list and its tasks' read", async () => {
    const { live, read } = await following();
    try {
      // Removed, its tasks still stopping: Docker lists them, with a service filter it no longer accepts.
      const gone = swarm.services.pop()!;
      const tasks = swarm.tasks.filter((t) => t.ServiceID === gone.ID) as Task[];
      for (const t of tasks) if (t.DesiredState === 'running') bump(t, { DesiredState: 'remove' });
      const poll = await read();
      expect(requests.filter((r) => r.startsWith('/tasks'))).toEqual([
        '/tasks?filters={"desired-state":["running"]}',
        `/tasks?filters={"id":${JSON.stringify(tasks.map((t) => t.ID).sort())}}`,
      ]);
      expect(poll.tasks?.upsert.filter((t) => t.serviceId === gone.ID).every((t) => t.desiredState === 'remove')).toBe(true);
      expect(ordered(withoutHeader(live.snapshot()))).toEqual(ordered(await modelBefore(docker)));

      // Gone between the read of the services and of its tasks: Docker refuses the filter, the poll reads every task instead.
      const next = swarm.services.at(-1)!;
      servedServices = [...swarm.services];
      swarm.services.pop();
      swarm.tasks.splice(0, swarm.tasks.length, ...swarm.tasks.filter((t) => t.ServiceID !== next.ID && t.ServiceID !== gone.ID));
      const fallback = await read();
      const reads = requests.filter((r) => r.startsWith('/tasks'));
      expect(reads[0]).toBe('/tasks?filters={"desired-state":["running"]}');
      expect(reads).toContain(`/tasks?filters={"service":["${next.ID}"]}`);
      expect(reads.at(-1)).toBe('/tasks');
      expect(fallback.tasks?.remove.length).toBeGreaterThan(0);
      servedServices = null;
      await read();
      expect(ordered(withoutHeader(live.snapshot()))).toEqual(ordered(await modelBefore(docker)));
    } finally {
      servedServices = null;
      live.stop();
    }
  });

  it('fails a read as dockerode does when Docker answers with an error', async () => {
    const message =
      'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
    answer = (path) => (path === '/tasks' ? { status: 503, body: JSON.stringify({ message }) } : null);
    try {
      const theirs = (await docker.listTasks().catch((e: unknown) => e)) as Error & { statusCode: number; json: unknown };
      const ours = (await readList(docker, '/tasks', { keep: [] }).catch((e: unknown) => e)) as typeof theirs;
      expect(ours).toBeInstanceOf(Error);
      expect({ message: ours.message, statusCode: ours.statusCode, json: ours.json }).toEqual({
        message: theirs.message,
        statusCode: theirs.statusCode,
        json: theirs.json,
      });
      await expect(
        new LiveTopology(
          'c',
          source(),
          () => undefined,
          () => undefined,
        ).start(),
      ).rejects.toThrow(/not a swarm manager/);
    } finally {
      answer = null;
    }
  });

  it('fails a read whose answer is cut off', async () => {
    answer = (path) => (path === '/tasks' ? 'cut' : null);
    try {
      await expect(readList(docker, '/tasks', { keep: [] })).rejects.toMatchObject({ code: 'ECONNRESET' });
    } finally {
      answer = null;
    }
  });
});
