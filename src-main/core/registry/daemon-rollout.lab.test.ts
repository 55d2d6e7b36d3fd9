import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RegistryProgress } from '../../contract.js';
import { hostInput, lab } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { memoryLogger, noKeychain } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { ActivityLog } from '../activity/activity-log.js';
import { Adoption } from '../clusters/adoption.js';
import { ClusterService } from '../clusters/cluster-service.js';
import { ManagerUnlocker } from '../clusters/manager-unlocker.js';
import { EventBus } from '../events.js';
import { HostService } from '../hosts/host-service.js';
import { SecretVault } from '../keychain/secret-vault.js';
import type { ProductionDeps } from '../production-deps.js';
import { PromptBroker } from '../prompts/prompt-broker.js';
import { HostKeyStore } from '../ssh/host-key-store.js';
import { ClusterProfiles } from '../store/cluster-profiles.js';
import { DataFile } from '../store/data-file.js';
import { HostRecords } from '../store/host-records.js';
import { PlanHosts } from '../swarm/plan-hosts.js';
import { unlockKeyAccount } from '../swarm/swarm-api.js';
import { TopologyService } from '../topology/topology-service.js';
import { DaemonRollout } from './daemon-rollout.js';

type Progress = Omit<RegistryProgress, 'clusterId'> & { at: number };
interface Sample {
  at: number;
  via: string;
  /** `via` answered as the leader. */
  leader: boolean;
  nodes: { hostname: string; status: string; managerStatus: string }[];
}

/** The production services' dependencies, wired as create-core.ts wires them (the core does not hand them out). */
async function productionDeps(dataDir: string): Promise<ProductionDeps> {
  const events = new EventBus();
  const file = new DataFile(dataDir);
  await file.load();
  const keychain = () => ({ status: 'unavailable', reason: 'no keychain in this test' }) as const;
  const profiles = new ClusterProfiles(file, events);
  const records = new HostRecords(file, events);
  const prompts = new PromptBroker(events);
  const activity = new ActivityLog(dataDir, events);
  await activity.load();
  const vault = new SecretVault(noKeychain, keychain);
  const hostKeys = new HostKeyStore({ appFile: join(dataDir, 'known_hosts'), userFiles: [] });
  const hosts = new HostService({ records, events, hostKeys, vault, prompts, keychain });
  const planHosts = new PlanHosts(records, hosts);
  const unlocker = new ManagerUnlocker(planHosts, vault, prompts, keychain, activity);
  const clusters = new ClusterService(profiles, records, hosts, events, unlocker);
  const topology = new TopologyService(clusters, events, activity);
  // The lab's host keys are new to this data dir: accept them as the operator would.
  events.subscribe((event, payload) => {
    if (event === 'prompt:hostKey') prompts.answer((payload as { promptId: string }).promptId, true);
  });
  const logger = memoryLogger();
  return { dataDir, clusters, profiles, records, planHosts, vault, keychain, prompts, unlocker, activity, events, topology, logger };
}

// The insecure registry's rolling restart on a 3-manager autolocked swarm: quorum is kept
// throughout (sampled from `docker node ls` while it runs), every file keeps its other keys.
describeLab('registry daemon rollout', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let deps: ProductionDeps;
  let clusterId: string;
  let unlockKey: string;
  const originals = new Map<string, string>();
  const endpoint = (): string => `${lab.managers[0]!.address}:5000`;

  const sh = async (host: string, script: string): Promise<string> => {
    const r = await lab.exec(host, ['sh', '-c', script], 60_000);
    if (r.code !== 0) throw new Error(`${host}: ${script}: ${r.stderr}`);
    return r.stdout;
  };
  const daemonJson = async (host: string) => JSON.parse(await sh(host, 'cat /etc/docker/daemon.json')) as Record<string, unknown>;
  const startedAt = (host: string) => sh(host, 'systemctl show docker -p ActiveEnterTimestampMonotonic --value').then((s) => s.trim());
  const names = () => lab.hosts.filter((h) => h.role !== 'bastion').map((h) => h.name);

  const run = async (ep: string) => {
    const progress: Progress[] = [];
    const rollout = new DaemonRollout(deps);
    const done = rollout.run(clusterId, ep, (p) => progress.push({ ...p, at: Date.now() }));
    return { done, progress, rollout };
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    await lab.up({ managers: 3, workers: 1, passwordHost: false });
    await lab.swarm.form();
    const m1 = lab.managers[0]!.name;
    await lab.swarm.docker(m1, ['swarm', 'update', '--autolock=true']);
    unlockKey = (await lab.swarm.docker(m1, ['swarm', 'unlock-key', '-q'])).stdout.trim();
    expect(unlockKey).toMatch(/^SWMKEY-/);
    // Settings an operator already has: kept, whatever was in the file before.
    for (const host of names()) {
      const before = (await lab.exec(host, ['cat', '/etc/docker/daemon.json'])).stdout;
      const merged = { ...(before.trim() ? (JSON.parse(before) as object) : {}), 'log-level': 'info', labels: ['x=y'] };
      const text = `${JSON.stringify(merged, null, 2)}\n`;
      await sh(host, `mkdir -p /etc/docker && printf '%s' '${text.replace(/'/g, `'\\''`)}' > /etc/docker/daemon.json`);
      originals.set(host, text);
    }

    deps = await productionDeps(join(dir, 'data'));
    for (const h of lab.hosts) await deps.records.save(hostInput(h));
    const adoption = new Adoption(deps.records, deps.planHosts, deps.profiles, deps.activity);
    const profile = await adoption.adopt({ name: 'lab', via: m1, mapping: {} });
    clusterId = profile.id;
    // The key the app keeps after a rotation or the wizard; for this session only.
    await deps.vault.remember(unlockKeyAccount(profile.swarmId!), unlockKey, { persist: false });
  }, 600_000);
  afterAll(async () => {
    await lab.down();
    await cleanup();
  });

  it('restarts node by node, leader last, never below quorum; every file keeps its other keys', async () => {
    const order = await new DaemonRollout(deps).order(clusterId);
    const leader = await lab.swarm.leader();
    expect(order.map((n) => n.role)).toEqual(['worker', 'manager', 'manager', 'manager']);
    expect(order.at(-1)!.hostname).toBe(leader);

    // Each manager is asked for `docker node ls` every ~300 ms; the leader's answers are the swarm's
    // own view of reachability (a manager that just came back sees the others late).
    const samples: Sample[] = [];
    let sampling = true;
    const samplers = lab.managers.map(async (m) => {
      while (sampling) {
        const at = Date.now();
        const nodes = await lab.swarm.nodes(m.name).catch(() => null);
        if (nodes) samples.push({ at, via: m.name, leader: nodes.some((n) => n.self && n.managerStatus === 'Leader'), nodes });
        await new Promise((r) => setTimeout(r, 300));
      }
    });
    const { done, progress } = await run(endpoint());
    await done.finally(() => {
      sampling = false;
    });
    await Promise.all(samplers);

    const lead = samples.filter((s) => s.leader).sort((x, y) => x.at - y.at);
    const reachable = lead.map((s) => s.nodes.filter((n) => n.managerStatus === 'Leader' || n.managerStatus === 'Reachable').length);
    const notReady = lead.map((s) => s.nodes.filter((n) => n.status !== 'Ready').map((n) => `${n.hostname}=${n.status}`));
    console.info(
      `rollout: ${samples.length} samples, ${lead.length} from the leader; fewest reachable managers ${Math.min(...reachable)}; ` +
        `not Ready: ${JSON.stringify(notReady.filter((n) => n.length > 0))}`,
    );
    expect(lead.length).toBeGreaterThan(10);
    expect(Math.min(...reachable)).toBeGreaterThanOrEqual(2);
    // A new leader lists every node Unknown until it reports to it again ("leadership change"):
    // bookkeeping, not a node down, and only after the old leader's restart began.
    const leaderRestart = progress.find((p) => p.step === 'restart' && p.target === order.at(-1)!.alias)!.at;
    lead.forEach((s, i) => {
      const down = s.nodes.filter((n) => n.status !== 'Ready' && n.status !== 'Unknown');
      expect(down.length, JSON.stringify(s)).toBeLessThanOrEqual(1);
      if (s.at < leaderRestart) expect(notReady[i]!.length, JSON.stringify(s)).toBeLessThanOrEqual(1);
    });

    // One restart at a time, in order, each node back before the next one starts.
    const restarts = progress.filter((p) => p.step === 'restart');
    expect(restarts.map((p) => `${p.target}:${p.state}`)).toEqual(order.flatMap((n) => [`${n.alias}:running`, `${n.alias}:done`]));
    for (const n of order) {
      const started = restarts.find((p) => p.target === n.alias && p.state === 'running')!.at;
      const back = restarts.find((p) => p.target === n.alias && p.state === 'done')!.at;
      console.info(`rollout: ${n.alias} (${n.role}) restart and back in ${((back - started) / 1000).toFixed(1)} s`);
    }

    for (const host of names()) {
      const json = await daemonJson(host);
      expect(json).toEqual({ ...(JSON.parse(originals.get(host)!) as object), 'insecure-registries': [endpoint()] });
      expect(Object.keys(json).at(-1)).toBe('insecure-registries');
      const info = await lab.swarm.docker(host, ['info']);
      expect(info.stdout).toMatch(new RegExp(`Insecure Registries:\\n(?:\\s+\\S+\\n)*?\\s+${endpoint().replace(/\./g, '\\.')}\\n`));
      expect(info.stdout).toContain('Swarm: active');
      const backups = (await sh(host, 'ls /etc/docker')).split('\n').filter((f) => f.startsWith('daemon.json.swarmdeck-backup-'));
      expect(backups).toHaveLength(1);
      expect(await sh(host, `cat /etc/docker/${backups[0]!}`)).toBe(originals.get(host));
    }
    const nodes = await lab.swarm.waitReady(lab.managers[0]!.name, 4);
    expect(nodes.filter((n) => n.managerStatus === 'Leader' || n.managerStatus === 'Reachable')).toHaveLength(3);

    // Each step is in the activity log; the unlock key is nowhere in it, nor in the log.
    const activity = await readFile(deps.activity.path, 'utf8');
    expect(activity.match(/systemctl restart docker/g)).toHaveLength(4);
    expect(activity).toContain('docker swarm unlock');
    expect(activity).not.toContain(unlockKey);
    expect((deps.logger as ReturnType<typeof memoryLogger>).lines.join('\n')).not.toContain(unlockKey);
  }, 900_000);

  it('a rerun with nothing to change restarts nothing', async () => {
    const before = await Promise.all(names().map(startedAt));
    const { done, progress } = await run(endpoint());
    await done;
    expect(progress.filter((p) => p.step === 'restart').every((p) => p.state === 'skipped')).toBe(true);
    expect(progress.filter((p) => p.step === 'daemon-json' && p.state !== 'running').every((p) => p.state === 'skipped')).toBe(true);
    expect(await Promise.all(names().map(startedAt))).toEqual(before);
  }, 300_000);

  it('refuses a daemon.json it cannot read before it changes any node', async () => {
    const order = await new DaemonRollout(deps).order(clusterId);
    const last = order.at(-1)!.alias;
    const kept = await sh(last, 'cat /etc/docker/daemon.json');
    await sh(last, `printf '{"log-level": "info",}' > /etc/docker/daemon.json`);
    const before = await Promise.all(names().map(startedAt));
    const { done, progress } = await run(`${lab.managers[0]!.address}:5002`);
    await expect(done).rejects.toMatchObject({ code: 'REGISTRY_REFUSED', params: { reason: expect.stringContaining(last) } });
    expect(progress.filter((p) => p.state !== 'running').map((p) => `${p.step}:${p.target}:${p.state}`)).toEqual([
      `daemon-json:${last}:failed`,
    ]);
    for (const n of order.slice(0, -1)) expect((await daemonJson(n.alias))['insecure-registries']).toEqual([endpoint()]);
    expect(await Promise.all(names().map(startedAt))).toEqual(before);
    await sh(last, `printf '%s' '${kept}' > /etc/docker/daemon.json`);
  }, 300_000);

  it('stops at a node whose Docker does not come back, and leaves the nodes after it alone', async () => {
    const order = await new DaemonRollout(deps).order(clusterId);
    const broken = order[1]!;
    expect(broken.role).toBe('manager');
    // A flag added to /etc/default/docker for the next start: dockerd then refuses a file that also has
    // the key. The running dockerd does not show it, so no check before the restart can see it.
    await sh(broken.alias, `sed -i 's/^DOCKER_OPTS="\\(.*\\)"$/DOCKER_OPTS="\\1 --insecure-registry=10.9.9.9:5000"/' /etc/default/docker`);
    expect(await sh(broken.alias, 'cat /etc/default/docker')).toContain('--insecure-registry=10.9.9.9:5000"');
    const after = order.slice(2).map((n) => n.alias);
    const before = await Promise.all(after.map(startedAt));
    const second = `${lab.managers[0]!.address}:5001`;

    const { done, progress } = await run(second);
    const error = await done.then(
      () => null,
      (err: unknown) => err as { code: string; params: Record<string, string> },
    );
    expect(error).toMatchObject({ code: 'DAEMON_NOT_BACK', params: { host: broken.alias } });
    console.info(`rollout: ${broken.alias} not back: ${error!.params.detail}`);
    expect(error!.params.detail).toMatch(/insecure-registries/);
    expect(progress.filter((p) => p.state === 'failed').map((p) => `${p.step}:${p.target}`)).toEqual([`restart:${broken.alias}`]);

    // The worker before it took the change; the nodes after it were neither written nor restarted.
    expect((await daemonJson(order[0]!.alias))['insecure-registries']).toEqual([endpoint(), second]);
    for (const host of after) expect((await daemonJson(host))['insecure-registries']).toEqual([endpoint()]);
    expect(await Promise.all(after.map(startedAt))).toEqual(before);
    expect(progress.some((p) => after.includes(p.target ?? '') && p.state !== 'running')).toBe(false);
    // The other two managers keep quorum.
    const nodes = await lab.swarm.nodes(after.at(-1)!);
    expect(nodes.filter((n) => n.managerStatus === 'Leader' || n.managerStatus === 'Reachable')).toHaveLength(2);
  }, 600_000);
});
