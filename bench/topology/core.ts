// Part 1 of the topology benchmark: the core's real LiveTopology over a real
// dockerode client, against the fake Docker API. `start()` is the first full
// read (five API calls, then the model); a re-read is the steady state: what
// a poll reads (refreshNow reads what a poll reads: nodes, services, the tasks
// desired running, then the services whose running tasks changed), after ~1 %
// of the tasks changed, up to the diff. Side by side, on the same changes, a
// second model reads in full every time, as every poll did before.
import Docker from 'dockerode';
import { performance } from 'node:perf_hooks';
import type { TopologyDiff, TopologySnapshot } from '../../src-main/contract.js';
import { LiveTopology, type TopologySource } from '../../src-main/core/topology/live-topology.js';
import type { BodySizes, FakeDocker } from './fake-docker.js';
import { NOW } from './swarm.js';

export interface CoreFigures {
  /** `start()`: the five reads and the model, each run on a fresh LiveTopology. */
  start: number[];
  /** CPU time (user + system, all threads) this process spent in each `start()`: less sensitive to a busy machine than the wall clock. */
  startCpu: number[];
  /** Within each `start()`: from the first read's request to the last one's answer, read as the product reads (HTTP + skim + parse). */
  readsOnly: number[];
  /** For comparison, the same five reads through dockerode's list calls (whole bodies buffered and JSON.parsed), as the core read before. */
  readsDockerode: number[];
  /** The floor: the same five bodies only transferred (HTTP through dockerode's modem, nothing kept or parsed). */
  readsTransfer: number[];
  /** `refreshNow()` → the diff callback, with `fraction` of the tasks changed before each. */
  reread: number[];
  rereadCpu: number[];
  /** Within each re-read: its reads (both rounds), as `readsOnly`. */
  rereadReadsOnly: number[];
  /** How many services each poll read whole (their running tasks changed). */
  rereadServices: number[];
  /** The floor of a poll: nodes, services and the tasks desired running only transferred. */
  pollTransfer: number[];
  /** The same changes read by a model that reads everything each time (every task, networks, swarm), as every poll did before. */
  rereadFull: number[];
  rereadFullCpu: number[];
  diffSizes: { tasks: number; services: number }[];
  /** Whether each poll's diff held the same records as the full read's of the same change. */
  sameDiffs: boolean[];
  sizes: BodySizes;
  snapshot: TopologySnapshot;
  /** The re-reads' diffs, versions 2, 3, … on top of `snapshot`. */
  diffs: TopologyDiff[];
  snapshotBytes: number;
}

const HOUR = 3_600_000;
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export async function measureCore(fake: FakeDocker, runs: number, fraction: number): Promise<CoreFigures> {
  const docker = new Docker({ socketPath: fake.socketPath });
  // The span of one model read's requests (they run concurrently): the reads as LiveTopology makes them.
  let span: { from: number; to: number } | null = null;
  // The model's own client, counting the services a poll reads whole (the IDs in its `service` filters).
  let serviceReads = 0;
  const counting = new Docker({ socketPath: fake.socketPath });
  const dial = counting.modem.dial.bind(counting.modem);
  counting.modem.dial = ((options: { path?: string; options?: { filters?: { service?: string[] } } }, callback: never) => {
    serviceReads += options.options?.filters?.service?.length ?? 0;
    return dial(options as never, callback);
  }) as typeof counting.modem.dial;
  const source: TopologySource = {
    request: async (_kind, call) => {
      span ??= { from: performance.now(), to: 0 };
      const current = span;
      try {
        return await call(counting);
      } finally {
        current.to = Math.max(current.to, performance.now());
      }
    },
  };
  const readSpan = (): number => (span ? span.to - span.from : NaN);
  const figures: Omit<CoreFigures, 'snapshot' | 'diffs' | 'snapshotBytes'> = {
    start: [],
    startCpu: [],
    readsOnly: [],
    readsDockerode: [],
    readsTransfer: [],
    reread: [],
    rereadCpu: [],
    rereadReadsOnly: [],
    rereadServices: [],
    pollTransfer: [],
    rereadFull: [],
    rereadFullCpu: [],
    diffSizes: [],
    sameDiffs: [],
    sizes: fake.sizes,
  };
  const readDockerode = async (): Promise<number> => {
    const t0 = performance.now();
    await Promise.all([
      docker.listNodes(),
      docker.listServices(),
      docker.listTasks(),
      docker.listNetworks({ filters: { scope: ['swarm'] } }),
      docker.swarmInspect(),
    ]);
    return performance.now() - t0;
  };
  const drain = (path: string, options: object = {}): Promise<void> =>
    new Promise((resolve, reject) =>
      docker.modem.dial({ path: `${path}?`, method: 'GET', options, isStream: true, statusCodes: { 200: true } }, (err, res) => {
        if (err) return reject(err);
        const body = res as NodeJS.ReadableStream;
        body.on('data', () => undefined);
        body.once('end', resolve);
        body.once('error', reject);
      }),
    );
  const pollTransfer = async (): Promise<number> => {
    const t0 = performance.now();
    await Promise.all([drain('/nodes'), drain('/services'), drain('/tasks', { filters: { 'desired-state': ['running'] } })]);
    return performance.now() - t0;
  };
  const readTransfer = async (): Promise<number> => {
    const t0 = performance.now();
    await Promise.all([
      drain('/nodes'),
      drain('/services'),
      drain('/tasks'),
      drain('/networks', { filters: { scope: ['swarm'] } }),
      drain('/swarm'),
    ]);
    return performance.now() - t0;
  };
  // Polling far apart: only the benchmark triggers reads.
  const options = { minPollMs: HOUR, reconcileMs: HOUR, now: () => NOW };
  const startOne = async (): Promise<void> => {
    const live = new LiveTopology(
      'bench',
      source,
      () => undefined,
      () => undefined,
      options,
    );
    span = null;
    const [t0, c0] = [performance.now(), cpuMs()];
    await live.start();
    figures.start.push(performance.now() - t0);
    figures.startCpu.push(cpuMs() - c0);
    figures.readsOnly.push(readSpan());
    live.stop();
  };
  // One warm-up of each path (JIT, the socket), not counted.
  await readDockerode();
  await readTransfer();
  await pollTransfer();
  await startOne();
  figures.start.length = figures.startCpu.length = figures.readsOnly.length = 0;

  for (let i = 0; i < runs; i++) {
    figures.readsDockerode.push(await readDockerode());
    figures.readsTransfer.push(await readTransfer());
    figures.pollTransfer.push(await pollTransfer());
    await startOne();
  }

  let onDiff: (diff: TopologyDiff) => void = () => undefined;
  const live = new LiveTopology(
    'bench',
    source,
    (diff) => onDiff(diff),
    () => undefined,
    options,
  );
  // Every read of this one is a reconcile: the whole read, as every poll was before.
  let onFullDiff: (diff: TopologyDiff) => void = () => undefined;
  const full = new LiveTopology(
    'bench',
    source,
    (diff) => onFullDiff(diff),
    () => undefined,
    { ...options, reconcileMs: 0 },
  );
  const snapshot = await live.start();
  await full.start();
  const snapshotBytes = Buffer.byteLength(JSON.stringify(snapshot));
  const diffs: TopologyDiff[] = [];
  const poll = async (): Promise<TopologyDiff> => {
    const diff = new Promise<TopologyDiff>((resolve) => (onDiff = resolve));
    span = null;
    serviceReads = 0;
    const [t0, c0] = [performance.now(), cpuMs()];
    live.refreshNow();
    const got = await diff;
    figures.reread.push(performance.now() - t0);
    figures.rereadCpu.push(cpuMs() - c0);
    figures.rereadReadsOnly.push(readSpan());
    figures.rereadServices.push(serviceReads);
    return got;
  };
  const fullRead = async (): Promise<TopologyDiff> => {
    const diff = new Promise<TopologyDiff>((resolve) => (onFullDiff = resolve));
    const [t0, c0] = [performance.now(), cpuMs()];
    full.refreshNow();
    const got = await diff;
    figures.rereadFull.push(performance.now() - t0);
    figures.rereadFullCpu.push(cpuMs() - c0);
    return got;
  };
  try {
    for (let i = 0; i < runs; i++) {
      figures.sizes = await fake.mutate(i + 1, fraction);
      // In turn first and second: neither always reads after the other warmed the daemon's socket.
      let polled: TopologyDiff;
      let whole: TopologyDiff;
      if (i % 2 === 0) {
        polled = await poll();
        whole = await fullRead();
      } else {
        whole = await fullRead();
        polled = await poll();
      }
      diffs.push(polled);
      figures.diffSizes.push({
        tasks: (polled.tasks?.upsert.length ?? 0) + (polled.tasks?.remove.length ?? 0),
        services: (polled.services?.upsert.length ?? 0) + (polled.services?.remove.length ?? 0),
      });
      figures.sameDiffs.push(sameRecords(polled, whole));
    }
  } finally {
    live.stop();
    full.stop();
  }
  return { ...figures, snapshot, diffs, snapshotBytes };
}

/** The same upserts and removals, in any order. */
function sameRecords(a: TopologyDiff, b: TopologyDiff): boolean {
  const key = (d: TopologyDiff): string =>
    JSON.stringify(
      (['nodes', 'services', 'tasks', 'networks'] as const).map((k) => [
        (d[k]?.upsert ?? []).map((x) => JSON.stringify(x)).sort(),
        [...(d[k]?.remove ?? [])].sort(),
      ]),
    );
  return key(a) === key(b);
}
