import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractEvents, EdgeConfig, TopologyNode, TopologySnapshot } from '../../contract.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { ActivityLog } from '../activity/activity-log.js';
import { EventBus } from '../events.js';
import type { ExecOptions, ExecResult } from '../ssh/remote-exec.js';
import type { ClusterProfiles } from '../store/cluster-profiles.js';
import { EdgeTargets, type TopologyWatcher } from './edge-service.js';
import { EdgeStore } from './edge-store.js';

const CLUSTER = 'c-1';

function node(hostname: string, address: string, over: Partial<TopologyNode> = {}): TopologyNode {
  return {
    id: `id-${hostname}`,
    hostname,
    role: 'worker',
    leader: false,
    reachability: null,
    availability: 'active',
    state: 'ready',
    engine: '20.10',
    address,
    labels: {},
    nanoCpus: 0,
    memoryBytes: 0,
    ...over,
  };
}

/** The live model as the service sees it: a snapshot, then diffs on the bus. */
class FakeTopology implements TopologyWatcher {
  version = 1;
  nodes = [node('m1', '10.0.0.1'), node('w1', '10.0.0.11'), node('w2', '10.0.0.12')];
  watchers = 0;
  constructor(private readonly events: EventBus) {}
  watch(): Promise<TopologySnapshot> {
    this.watchers++;
    return Promise.resolve({
      clusterId: CLUSTER,
      swarmId: 's',
      version: this.version,
      nodes: structuredClone(this.nodes),
      services: [],
      tasks: [],
      networks: [],
      health: {} as TopologySnapshot['health'],
    });
  }
  unwatch(): Promise<void> {
    this.watchers--;
    return Promise.resolve();
  }
  change(n: TopologyNode, { skipVersion = false } = {}): void {
    this.nodes = this.nodes.map((x) => (x.id === n.id ? n : x));
    this.version += skipVersion ? 2 : 1;
    this.events.emit('topology:diff', { clusterId: CLUSTER, version: this.version, nodes: { upsert: [n], remove: [] } });
  }
}

/** Runs the remote commands on this machine: the write script is exercised for real. */
function localShell(calls: { argv: readonly string[]; sudo: boolean }[]) {
  return () => ({
    exec: (argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> =>
      new Promise((resolve) => {
        calls.push({ argv, sudo: options.sudo ?? false });
        const child = spawn(argv[0]!, argv.slice(1), { stdio: 'pipe' });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
        // A command that reads no input may exit before its stdin is written.
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.stdin ?? '');
      }),
  });
}

let dir: string;
let cleanup: () => Promise<void>;
let events: EventBus;
let topology: FakeTopology;
let activity: ActivityLog;
let edge: EdgeTargets;
let written: ContractEvents['edge:written'][];
let calls: { argv: readonly string[]; sudo: boolean }[];
const profiles = { list: () => [{ id: CLUSTER, name: 'lab' }] } as unknown as ClusterProfiles;

async function makeEdge(): Promise<EdgeTargets> {
  const store = new EdgeStore(dir);
  await store.load();
  return new EdgeTargets({ store, topology, events, activity, profiles, shell: localShell(calls), retryMs: 50 });
}

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  events = new EventBus();
  topology = new FakeTopology(events);
  activity = new ActivityLog(dir, events);
  written = [];
  calls = [];
  events.subscribe((event, payload) => {
    if (event === 'edge:written') written.push(payload as ContractEvents['edge:written']);
  });
  edge = await makeEdge();
});
afterEach(async () => {
  await edge.close();
  await cleanup();
});

const fileConfig = (path: string): EdgeConfig => ({ port: 80, label: null, format: 'plain', name: 'web', output: { kind: 'file', path } });
const writes = () => activity.list('lab').filter((e) => e.action.startsWith('write edge targets'));

describe('EdgeTargets', () => {
  it('writes a local file, follows diffs, and rewrites only when the text changes', async () => {
    const path = join(dir, 'targets.txt');
    await edge.configure(CLUSTER, fileConfig(path));
    await expect.poll(() => readFile(path, 'utf8').catch(() => '')).toBe('10.0.0.1:80\n10.0.0.11:80\n10.0.0.12:80\n');
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    expect(written.at(-1)).toMatchObject({ clusterId: CLUSTER, targets: 3 });

    topology.change(node('w1', '10.0.0.11', { availability: 'drain' }));
    await expect.poll(() => readFile(path, 'utf8')).toBe('10.0.0.1:80\n10.0.0.12:80\n');
    // A change that does not touch the list (a label nobody filters on) writes nothing.
    topology.change(node('m1', '10.0.0.1', { labels: { zone: 'a' } }));
    topology.change(node('w1', '10.0.0.11'));
    await expect.poll(() => readFile(path, 'utf8')).toBe('10.0.0.1:80\n10.0.0.11:80\n10.0.0.12:80\n');
    expect(writes()).toHaveLength(3);
    expect(writes().every((e) => e.result === 'ok' && e.host === null)).toBe(true);
    expect(edge.get(CLUSTER)).toMatchObject({ enabled: true, lastWrite: { targets: 3 } });
  });

  it('reads the model again after a missed diff', async () => {
    const path = join(dir, 'targets.txt');
    await edge.configure(CLUSTER, fileConfig(path));
    await expect.poll(() => readFile(path, 'utf8').catch(() => '')).toContain('10.0.0.11');
    topology.change(node('w1', '10.0.0.11', { state: 'down' }), { skipVersion: true });
    await expect.poll(() => readFile(path, 'utf8')).toBe('10.0.0.1:80\n10.0.0.12:80\n');
    expect(topology.watchers).toBe(1);
  });

  it('leaves a file that already holds the text alone, and resumes after a restart', async () => {
    const path = join(dir, 'targets.txt');
    await writeFile(path, '10.0.0.1:80\n10.0.0.11:80\n10.0.0.12:80\n');
    await edge.configure(CLUSTER, fileConfig(path));
    await expect.poll(() => topology.watchers).toBe(1);
    // Found holding the list: current without a write, so the wizard's edge step can tell it is done.
    await expect.poll(() => edge.current(CLUSTER)).toMatchObject({ targets: 3 });
    expect(writes()).toHaveLength(0);
    expect(edge.get(CLUSTER).lastWrite).toBeNull();
    await edge.close();
    expect(edge.current(CLUSTER)).toBeNull();
    expect(topology.watchers).toBe(0);

    topology.nodes = topology.nodes.filter((n) => n.hostname !== 'w2');
    edge = await makeEdge();
    edge.resume();
    await expect.poll(() => readFile(path, 'utf8')).toBe('10.0.0.1:80\n10.0.0.11:80\n');
  });

  it('disable stops following and keeps the config; preview renders without writing', async () => {
    const path = join(dir, 'targets.txt');
    await edge.configure(CLUSTER, { ...fileConfig(path), format: 'nginx', label: { key: 'edge', value: null } });
    const state = await edge.disable(CLUSTER);
    expect(state).toMatchObject({ enabled: false, config: { format: 'nginx' } });
    expect(topology.watchers).toBe(0);
    // Once disable returns, nothing lands in the output any more (a write in flight has finished).
    const after = await readFile(path, 'utf8').catch(() => null);
    await new Promise((r) => setTimeout(r, 200));
    expect(await readFile(path, 'utf8').catch(() => null)).toBe(after);
    expect(await readdir(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
    topology.nodes[0] = node('m1', '10.0.0.1', { labels: { edge: '' } });
    const preview = await edge.preview(CLUSTER);
    expect(preview.targets.map((t) => t.hostname)).toEqual(['m1']);
    expect(preview.text).toContain('upstream web {\n    server 10.0.0.1:80;\n}');
    expect(topology.watchers).toBe(0);
    // An unsaved form: what it would give, and the saved config left as it was.
    const unsaved = await edge.preview(CLUSTER, { ...fileConfig(path), format: 'plain', label: null, port: 9000 });
    expect(unsaved.text.startsWith('10.0.0.1:9000\n')).toBe(true);
    expect(
      unsaved.text
        .trim()
        .split('\n')
        .every((line) => line.endsWith(':9000')),
    ).toBe(true);
    expect((await edge.get(CLUSTER)).config).toMatchObject({ format: 'nginx' });
  });

  it('reports a failed local write with EDGE_WRITE_FAILED and records it', async () => {
    await edge.configure(CLUSTER, fileConfig(join(dir, 'missing-folder', 'targets.txt')));
    await expect.poll(() => written.at(-1)?.error?.code).toBe('EDGE_WRITE_FAILED');
    expect(writes()[0]).toMatchObject({ result: 'failed' });
  });

  it('writes over the remote shell with the path as an argument, then reloads; a failed reload is tried again', async () => {
    const path = join(dir, "it's here.conf");
    const marker = join(dir, 'reloaded');
    await edge.configure(CLUSTER, {
      ...fileConfig(path),
      format: 'haproxy',
      output: { kind: 'ssh', host: 'proxy1', path, reload: ['sh', '-c', `test -e "$1.ok" && touch "$1"`, 'sh', marker], sudo: true },
    });
    await expect.poll(() => written.at(-1)?.error?.code).toBe('EDGE_RELOAD_FAILED');
    expect(await readFile(path, 'utf8')).toContain('backend web\n    server m1 10.0.0.1:80 check\n');
    expect(calls.every((c) => c.sudo)).toBe(true);
    // The proxy can reload now: the owed reload runs without a second write.
    await writeFile(`${marker}.ok`, '');
    await expect
      .poll(
        () =>
          stat(marker).then(
            () => true,
            () => false,
          ),
        { timeout: 3000 },
      )
      .toBe(true);
    expect(writes()).toHaveLength(1);
    await expect.poll(() => activity.list('lab').map((e) => `${e.action.split(':')[0]} ${e.result}`)).toContain('reload proxy ok');
    await expect.poll(() => written.at(-1)).toEqual({ clusterId: CLUSTER, targets: 3, at: expect.any(String) as string });
  });
});
