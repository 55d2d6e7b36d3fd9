import Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSwarm } from '../../../bench/topology/swarm.js';
import { NOW } from '../../../bench/topology/shapes.js';
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

describe('LiveTopology reading a synthetic swarm', () => {
  const swarm = generateSwarm({ nodes: 40, managers: 3, services: 60, tasks: 900 }, 7);
  let answer: ((path: string) => { status: number; body: string } | 'cut' | null) | null = null;
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
      const lists: Record<string, unknown> = {
        '/nodes': swarm.nodes,
        '/services': swarm.services,
        '/tasks': swarm.tasks,
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
      for (const change of changes) {
        change();
        const diff = new Promise<TopologyDiff>((resolve) => (onDiff = resolve));
        live.refreshNow();
        const got = await diff;
        const next = await modelBefore(docker);
        expect(withoutHeader(got)).toEqual(diffBefore(expected, next));
        expect(withoutHeader(live.snapshot())).toEqual(next);
        expected = next;
      }
    } finally {
      live.stop();
    }
  }, 60_000);

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
