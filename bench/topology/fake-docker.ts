// A fake Docker Engine API for the topology benchmark: plain node:http on a unix
// socket, answering the five reads the live topology makes with a synthetic
// swarm of 500 nodes, 2,000 services and 20,000 tasks. A fake, because no
// machine here (or in CI) can host a real swarm that size; the shapes and
// sizes of the JSON are Docker's, the daemon's own latency is not modelled.
//
// It runs in a child process, so serving it never shares the event loop (or
// the timings) of the core under test, as a real daemon would not. Bodies are
// serialized once per state, as a daemon answers from memory; a filtered task
// list (task-filters.ts applies Docker's filters) is put together from the
// tasks serialized one by one.
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSwarm, type SwarmSize } from './swarm.js';
import { selectTasks } from './task-filters.js';

type Endpoint = 'nodes' | 'services' | 'tasks' | 'networks' | 'swarm';
/** The bodies of the unfiltered reads, and of `/tasks?filters={"desired-state":["running"]}` (what a poll reads). */
export type BodySizes = Record<Endpoint | 'liveTasks', { count: number; bytes: number }>;
type Message = { mutate: number; fraction: number } | { stop: true };
type Reply = { ready: true; sizes: BodySizes } | { mutated: number; sizes: BodySizes };

export interface FakeDocker {
  socketPath: string;
  sizes: BodySizes;
  /** Changes `fraction` of the tasks (a rolling restart of some slots); resolves once the new state is served. */
  mutate(round: number, fraction: number): Promise<BodySizes>;
  stop(): Promise<void>;
}

const HEADERS = {
  'Content-Type': 'application/json',
  'Api-Version': '1.47',
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: 'Docker/27.3.1 (linux)',
};

/** What a poll asks for, as dockerode sends it: its answer is ready before the poll, as the unfiltered lists are. */
const LIVE = JSON.stringify({ 'desired-state': ['running'] });
const [OPEN, COMMA, CLOSE] = ['[', ',', ']'].map((c) => Buffer.from(c)) as [Buffer, Buffer, Buffer];

function serve(socketPath: string, size: SwarmSize, seed: number): void {
  const swarm = generateSwarm(size, seed);
  let bodies = new Map<string, Buffer>();
  let taskBodies: Buffer[] = [];
  const filtered = new Map<string, Buffer>();
  let sizes = {} as BodySizes;
  const serialize = (): void => {
    taskBodies = swarm.tasks.map((t) => Buffer.from(JSON.stringify(t)));
    filtered.clear();
    const lists = {
      nodes: swarm.nodes,
      services: swarm.services,
      tasks: swarm.tasks,
      networks: swarm.networks,
      'networks:swarm': swarm.networks.filter((n) => n.Scope === 'swarm'),
    };
    bodies = new Map(Object.entries(lists).map(([key, list]) => [key, Buffer.from(JSON.stringify(list))]));
    bodies.set('swarm', Buffer.from(JSON.stringify(swarm.swarm)));
    const entry = (key: string, count: number) => ({ count, bytes: bodies.get(key)!.length });
    sizes = {
      nodes: entry('nodes', lists.nodes.length),
      services: entry('services', lists.services.length),
      tasks: entry('tasks', lists.tasks.length),
      networks: entry('networks:swarm', lists['networks:swarm'].length),
      swarm: entry('swarm', 1),
      liveTasks: { count: swarm.tasks.filter((t) => t.DesiredState === 'running').length, bytes: (filteredTasks(LIVE) as Buffer).length },
    };
  };
  /** A filtered task list, from the tasks serialized one by one; kept for this state, as the whole lists are. */
  const filteredTasks = (filters: string): Buffer | { status: number; message: string } => {
    const cached = filtered.get(filters);
    if (cached) return cached;
    const selection = selectTasks(filters, swarm.services, swarm.nodes);
    if (!selection.ok) return selection;
    const parts: Buffer[] = [];
    swarm.tasks.forEach((t, i) => selection.keep(t) && parts.push(parts.length > 0 ? COMMA : OPEN, taskBodies[i]!));
    const body = Buffer.concat([...(parts.length > 0 ? parts : [OPEN]), CLOSE]);
    filtered.set(filters, body);
    return body;
  };
  serialize();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v1\.\d+/, '');
    let key: string | undefined;
    if (req.method === 'GET' && path === '/tasks' && url.searchParams.has('filters')) {
      const answer = filteredTasks(url.searchParams.get('filters')!);
      if ('status' in answer) return void res.writeHead(answer.status, HEADERS).end(JSON.stringify({ message: answer.message }));
      return void res.writeHead(200, HEADERS).end(answer);
    }
    if (req.method === 'GET' && ['/nodes', '/services', '/tasks', '/swarm'].includes(path)) key = path.slice(1);
    if (req.method === 'GET' && path === '/networks') {
      const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { scope?: string[] | Record<string, boolean> };
      const scope = Array.isArray(filters.scope) ? filters.scope : Object.keys(filters.scope ?? {});
      key = scope.includes('swarm') ? 'networks:swarm' : 'networks';
    }
    if (req.method === 'GET' && path === '/_ping') return void res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/plain' }).end('OK');
    const body = key ? bodies.get(key) : undefined;
    if (!body) return void res.writeHead(404, HEADERS).end(JSON.stringify({ message: `page not found: ${req.method} ${path}` }));
    res.writeHead(200, HEADERS).end(body);
  });
  // dockerd (Go's net/http, no IdleTimeout) keeps idle connections open; Node would close them after 5 s.
  server.keepAliveTimeout = 0;
  server.listen(socketPath, () => process.send?.({ ready: true, sizes } satisfies Reply));
  process.on('message', (message: Message) => {
    if ('stop' in message) return void server.close(() => process.exit(0));
    swarm.mutate(message.mutate, message.fraction);
    serialize();
    process.send?.({ mutated: message.mutate, sizes } satisfies Reply);
  });
  process.on('disconnect', () => process.exit(0));
}

/** Starts the fake daemon in a child process, listening on `<dir>/docker.sock`. */
export async function startFakeDocker(dir: string, size: SwarmSize, seed = 42): Promise<FakeDocker> {
  const socketPath = join(dir, 'docker.sock');
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', socketPath, JSON.stringify(size), String(seed)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`fake Docker API exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: Reply) => {
        child.off('exit', onExit);
        resolve(reply);
      });
    });
  const ready = await next();
  return {
    socketPath,
    sizes: ready.sizes,
    async mutate(round, fraction) {
      const reply = next();
      child.send({ mutate: round, fraction } satisfies Message);
      return (await reply).sizes;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ stop: true } satisfies Message);
      await exited;
    },
  };
}

if (process.argv[2] === '--serve' && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  serve(process.argv[3]!, JSON.parse(process.argv[4]!) as SwarmSize, Number(process.argv[5]));
}
