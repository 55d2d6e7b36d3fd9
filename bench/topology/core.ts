// Part 1 of the topology benchmark: the core's real LiveTopology over a real
// dockerode client, against the fake Docker API. `start()` is the first full
// read (five API calls, then the model); a re-read is the steady state: the
// three calls every poll makes (refreshNow reads what a poll reads), after
// ~1 % of the tasks changed, up to the diff.
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
  /** Within each re-read: its three reads, as `readsOnly`. */
  rereadReadsOnly: number[];
  diffSizes: { tasks: number; services: number }[];
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
  const source: TopologySource = {
    request: async (_kind, call) => {
      span ??= { from: performance.now(), to: 0 };
      const current = span;
      try {
        return await call(docker);
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
    diffSizes: [],
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
  await startOne();
  figures.start.length = figures.startCpu.length = figures.readsOnly.length = 0;

  for (let i = 0; i < runs; i++) {
    figures.readsDockerode.push(await readDockerode());
    figures.readsTransfer.push(await readTransfer());
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
  const snapshot = await live.start();
  const snapshotBytes = Buffer.byteLength(JSON.stringify(snapshot));
  const diffs: TopologyDiff[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      figures.sizes = await fake.mutate(i + 1, fraction);
      const diff = new Promise<TopologyDiff>((resolve) => (onDiff = resolve));
      span = null;
      const [t0, c0] = [performance.now(), cpuMs()];
      live.refreshNow();
      const got = await diff;
      figures.reread.push(performance.now() - t0);
      figures.rereadCpu.push(cpuMs() - c0);
      figures.rereadReadsOnly.push(readSpan());
      diffs.push(got);
      figures.diffSizes.push({
        tasks: (got.tasks?.upsert.length ?? 0) + (got.tasks?.remove.length ?? 0),
        services: (got.services?.upsert.length ?? 0) + (got.services?.remove.length ?? 0),
      });
    }
  } finally {
    live.stop();
  }
  return { ...figures, snapshot, diffs, snapshotBytes };
}
