// Part 1 of the topology benchmark: the core's real LiveTopology over a real
// dockerode client, against the fake Docker API. `start()` is the first full
// read (five API calls, then the model); a re-read is the steady state: the
// three frequent calls after ~1 % of the tasks changed, up to the diff.
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
  /** The same five reads alone (HTTP + JSON.parse), to tell the transport from the model. */
  readsOnly: number[];
  /** `refreshNow()` → the diff callback, with `fraction` of the tasks changed before each. */
  reread: number[];
  rereadCpu: number[];
  /** Nodes, services and tasks read alone, as a re-read does. */
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
  const source: TopologySource = { request: (_kind, call) => call(docker) };
  const figures: Omit<CoreFigures, 'snapshot' | 'diffs' | 'snapshotBytes'> = {
    start: [],
    startCpu: [],
    readsOnly: [],
    reread: [],
    rereadCpu: [],
    rereadReadsOnly: [],
    diffSizes: [],
    sizes: fake.sizes,
  };
  const readAll = async (full: boolean): Promise<number> => {
    const t0 = performance.now();
    await Promise.all([
      docker.listNodes(),
      docker.listServices(),
      docker.listTasks(),
      ...(full ? [docker.listNetworks({ filters: { scope: ['swarm'] } }), docker.swarmInspect()] : []),
    ]);
    return performance.now() - t0;
  };
  // One warm-up of each path (JIT, the socket), not counted.
  await readAll(true);

  for (let i = 0; i < runs; i++) {
    figures.readsOnly.push(await readAll(true));
    // Polling far apart: only the benchmark triggers reads.
    const live = new LiveTopology(
      'bench',
      source,
      () => undefined,
      () => undefined,
      { minPollMs: HOUR, reconcileMs: HOUR, now: () => NOW },
    );
    const [t0, c0] = [performance.now(), cpuMs()];
    await live.start();
    figures.start.push(performance.now() - t0);
    figures.startCpu.push(cpuMs() - c0);
    live.stop();
  }

  let onDiff: (diff: TopologyDiff) => void = () => undefined;
  const live = new LiveTopology(
    'bench',
    source,
    (diff) => onDiff(diff),
    () => undefined,
    {
      minPollMs: HOUR,
      reconcileMs: HOUR,
      now: () => NOW,
    },
  );
  const snapshot = await live.start();
  const snapshotBytes = Buffer.byteLength(JSON.stringify(snapshot));
  const diffs: TopologyDiff[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      figures.sizes = await fake.mutate(i + 1, fraction);
      figures.rereadReadsOnly.push(await readAll(false));
      const diff = new Promise<TopologyDiff>((resolve) => (onDiff = resolve));
      const [t0, c0] = [performance.now(), cpuMs()];
      live.refreshNow();
      const got = await diff;
      figures.reread.push(performance.now() - t0);
      figures.rereadCpu.push(cpuMs() - c0);
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
