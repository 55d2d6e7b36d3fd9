import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BackupState, BootstrapOutcome, ContractEvents, PreflightReport, RegistryStatus, Result, SwarmPlan } from '../../contract.js';
import { hostInput, LAB_IMAGES, lab } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { memoryLogger, testCore } from '../../../test/support/core.js';
import { startPrivateKeyring, type PrivateKeyring } from '../../../test/support/private-keyring.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';
import { KeytarKeychain } from '../keychain/keytar-keychain.js';

const REGISTRY_PASSWORD = 'wizard-registry-password-3';

// The wizard's back end against real hosts: preflight, a bootstrap of 3 managers
// and 2 workers, re-runs that converge, a host of another swarm left alone,
// autolock with the key in a real keyring, the optional production steps (registry, backups,
// edge), adoption — and no secret anywhere on disk.
describeLab('swarm setup through the contract', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let keyring: PrivateKeyring;
  let core: Core;
  let plan: SwarmPlan;
  const saved = { ...process.env };
  const logger = memoryLogger();
  const seen: { event: string; payload: unknown }[] = [];
  const finished: BootstrapOutcome[] = [];

  const ok = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  const docker = async (host: (typeof lab.hosts)[number], args: string[]): Promise<string> =>
    (await lab.swarm.docker(host.name, args)).stdout;

  async function runToEnd(
    acknowledgeEvenManagers = false,
    afterStart?: (runId: string) => Promise<void>,
    run: { plan: SwarmPlan; registryPassword?: string } = { plan },
  ): Promise<BootstrapOutcome> {
    const before = finished.length;
    const { runId } = ok<{ runId: string }>(await core.dispatch('setup.run', { ...run, acknowledgeEvenManagers }));
    await afterStart?.(runId);
    await expect.poll(() => finished.length, { timeout: 300_000, interval: 250 }).toBeGreaterThan(before);
    const outcome = finished.at(-1)!;
    expect(outcome.runId).toBe(runId);
    return outcome;
  }
  const stepsOf = (runId: string) =>
    seen
      .filter((s) => s.event === 'setup:step' && (s.payload as { runId: string }).runId === runId)
      .map((s) => s.payload as ContractEvents['setup:step']);
  const finalSteps = (runId: string) => {
    const last = new Map<number, ContractEvents['setup:step']>();
    for (const s of stepsOf(runId)) last.set(s.index, s);
    return [...last.values()].map((s) => `${s.step}${s.host ? `:${s.host}` : ''}=${s.state}${s.code ? `/${s.code}` : ''}`);
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    keyring = await startPrivateKeyring();
    Object.assign(process.env, keyring.env);
    await lab.up({ managers: 3, workers: 2, passwordHost: false });
    core = await testCore(join(dir, 'data'), logger, { keychain: new KeytarKeychain(), nodeReadyTimeoutMs: 180_000 });
    core.events.subscribe((event, payload) => {
      seen.push({ event, payload });
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
      if (event === 'setup:finished') finished.push(payload as BootstrapOutcome);
    });
    for (const host of lab.hosts) {
      ok(await core.dispatch('hosts.save', hostInput(host)));
    }
    plan = {
      name: 'lab-prod',
      hosts: lab.hosts.map((h) => ({ host: h.name, role: h.role === 'manager' ? 'manager' : 'worker', advertiseAddress: null })),
      addressPool: null,
      dedicatedManagers: true,
      autolock: true,
      networks: [{ name: 'backend', subnet: '10.0.9.0/24', encrypted: true, attachable: true }],
    };
  });
  afterAll(async () => {
    await lab.down();
    for (const key of Object.keys(keyring?.env ?? {})) process.env[key] = saved[key];
    await keyring?.stop();
    await cleanup();
  });

  it('preflight passes on fresh hosts, checking ports from the hosts themselves', async () => {
    const report = ok<PreflightReport>(await core.dispatch('setup.preflight', { plan }));
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed).toEqual([]);
    expect(report.passed).toBe(true);
    const codes = (host: string) => report.checks.filter((c) => c.host === host).map((c) => c.code);
    for (const h of lab.hosts) {
      expect(codes(h.name)).toEqual(
        expect.arrayContaining(['SSH_OK', 'DOCKER_OK', 'DOCKER_ACCESS_OK', 'SWARM_INACTIVE', 'HOSTNAME_UNIQUE', 'SUBNETS_OK']),
      );
      // Nothing listens on 7946 before the swarm exists: the host answered with a refusal, which proves the path.
      expect(report.checks.find((c) => c.host === h.name && c.check === 'gossipPort')?.code).toBe('PORT_REFUSED_OK');
    }
    expect(report.checks.find((c) => c.code === 'ESP_NOTE')).toBeDefined();
    expect(report.facts.map((f) => f.reachedAt).sort()).toEqual(lab.hosts.map((h) => h.address).sort());
    // The live checklist got every line as it was known.
    expect(seen.filter((s) => s.event === 'setup:check').length).toBeGreaterThanOrEqual(report.checks.length);
  });

  it('names a path between hosts that drops packets, from the side that cannot reach', async () => {
    const [worker, manager] = [lab.workers[1]!, lab.managers[0]!];
    await lab.partition([worker.name], [manager.name]);
    try {
      const report = ok<PreflightReport>(await core.dispatch('setup.preflight', { plan }));
      expect(report.passed).toBe(false);
      const blocked = report.checks.filter((c) => c.code === 'PORT_BLOCKED');
      expect(blocked).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            host: worker.name,
            check: 'managerPort',
            status: 'fail',
            params: expect.objectContaining({ port: '2377', target: manager.name }),
          }),
          expect.objectContaining({
            host: worker.name,
            check: 'gossipPort',
            params: expect.objectContaining({ port: '7946', target: manager.name }),
          }),
          expect.objectContaining({ host: manager.name, check: 'gossipPort', params: expect.objectContaining({ target: worker.name }) }),
        ]),
      );
      // Only the cut path is named.
      expect(
        blocked.every((c) => [worker.name, manager.name].includes(c.host) && [worker.name, manager.name].includes(c.params.target!)),
      ).toBe(true);
    } finally {
      await lab.heal();
    }
  });

  it('reviews the exact operations in order, tokens as placeholders', async () => {
    const ops = ok<{ step: string; host: string | null; command: string }[]>(await core.dispatch('setup.review', { plan }));
    const [m1, m2, m3] = lab.managers;
    expect(ops[0]).toEqual({
      step: 'init',
      host: m1!.name,
      command: `docker swarm init --advertise-addr ${m1!.address} --listen-addr 0.0.0.0:2377 --autolock`,
    });
    expect(ops.filter((o) => o.step === 'joinManager').map((o) => o.host)).toEqual([m2!.name, m3!.name]);
    expect(ops.filter((o) => o.step === 'joinWorkers')).toHaveLength(2);
    expect(ops.filter((o) => o.step === 'drainManagers')).toHaveLength(3);
    expect(ops.find((o) => o.step === 'networks')?.command).toBe(
      'docker network create --driver overlay --subnet 10.0.9.0/24 --opt encrypted --attachable backend',
    );
    expect(ops.every((o) => !/SWMTKN/.test(o.command))).toBe(true);
  });

  it('builds the swarm: 5 nodes, 3 managers drained, the encrypted network, the profile, the unlock key once', async () => {
    const outcome = await runToEnd();
    expect(outcome.error).toBeUndefined();
    expect(outcome.state).toBe('done');
    expect(outcome.summary).toMatchObject({ nodes: 5, managers: 3, networks: ['backend'] });
    expect(finalSteps(outcome.runId)).toEqual([
      `init:${lab.managers[0]!.name}=done/INITIALIZED`,
      `joinManager:${lab.managers[1]!.name}=done/JOINED`,
      `joinManager:${lab.managers[2]!.name}=done/JOINED`,
      'joinWorkers=done/JOINED',
      'drainManagers=done/DRAINED',
      'networks=done/CREATED',
      'verify=done/VERIFIED',
    ]);

    // Docker's own view, from the lab.
    const nodes = await lab.swarm.nodes(lab.managers[0]!);
    expect(nodes).toHaveLength(5);
    const managers = nodes.filter((n) => n.managerStatus !== '');
    expect(managers).toHaveLength(3);
    expect(managers.every((n) => n.availability === 'Drain')).toBe(true);
    const network = JSON.parse(await docker(lab.managers[0]!, ['network', 'inspect', 'backend', '--format', '{{json .}}'])) as {
      Options: Record<string, string>;
      IPAM: { Config: { Subnet: string }[] };
      Driver: string;
    };
    expect(network.Driver).toBe('overlay');
    expect('encrypted' in network.Options).toBe(true);
    expect(network.IPAM.Config[0]!.Subnet).toBe('10.0.9.0/24');

    const clusters = ok<{ id: string; name: string; hosts: string[]; swarmId: string | null }[]>(
      await core.dispatch('clusters.list', undefined),
    );
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({
      id: outcome.clusterId,
      name: 'lab-prod',
      hosts: [...lab.managers, ...lab.workers].map((h) => h.name),
    });

    expect(outcome.unlockKeyReady).toBe(true);
    const { unlockKey } = ok<{ unlockKey: string }>(await core.dispatch('setup.revealUnlockKey', { runId: outcome.runId }));
    expect(unlockKey).toMatch(/^SWMKEY-1-/);
    expect(await core.dispatch('setup.revealUnlockKey', { runId: outcome.runId })).toMatchObject({
      ok: false,
      error: { code: 'UNLOCK_KEY_GONE' },
    });
    const stored = await new KeytarKeychain().get(`swarm-unlock-key:${clusters[0]!.swarmId}`);
    expect(stored).toBe(unlockKey);
  });

  it('a second run changes nothing: every step is skipped, the swarm is the same', async () => {
    const swarmId = (await docker(lab.managers[0]!, ['info', '--format', '{{.Swarm.Cluster.ID}}'])).trim();
    const outcome = await runToEnd();
    expect(outcome.state).toBe('done');
    expect(
      finalSteps(outcome.runId)
        .slice(0, -1)
        .every((s) => s.includes('=skipped/')),
    ).toBe(true);
    expect((await docker(lab.managers[0]!, ['info', '--format', '{{.Swarm.Cluster.ID}}'])).trim()).toBe(swarmId);
    expect(await lab.swarm.nodes(lab.managers[0]!)).toHaveLength(5);
  });

  it('resumes after a worker left: only that worker joins again; a cancel stops between steps', async () => {
    const worker = lab.workers[0]!;
    await lab.swarm.leave(worker);
    const cancelled = await runToEnd(false, async (runId) => {
      ok(await core.dispatch('setup.cancel', { runId }));
    });
    expect(cancelled.state).toBe('cancelled');
    expect(finalSteps(cancelled.runId).at(-1)).toBe('verify=cancelled');
    expect((await docker(worker, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim()).toBe('inactive');

    const outcome = await runToEnd();
    expect(outcome.state).toBe('done');
    expect(finalSteps(outcome.runId)).toContain('joinWorkers=done/JOINED');
    // The rejoined worker is a new node; its old entry turns Down once its heartbeat lapses.
    await expect
      .poll(async () => (await lab.swarm.nodes(lab.managers[0]!)).filter((n) => n.status === 'Ready').length, { timeout: 90_000 })
      .toBe(5);
  });

  it('runs the optional production steps: a TLS registry with a login, backups with a first one, the edge list, a pool script', async () => {
    const edgeFile = join(dir, 'upstream.conf');
    const poolFile = join(dir, 'workers.user-data');
    const withExtras: SwarmPlan = {
      ...plan,
      extras: {
        registry: {
          host: lab.workers[0]!.name,
          port: 5000,
          publish: 'host',
          image: LAB_IMAGES.registry,
          mode: 'tls',
          address: null,
          username: 'deploy',
          acknowledgeInsecure: false,
          network: 'backend',
        },
        backups: { everyHours: 24, keep: 3, firstNow: true },
        edge: { port: 8080, label: null, format: 'nginx', name: 'lab', output: { kind: 'file', path: edgeFile } },
        pools: [{ name: 'workers', role: 'worker', labels: { tier: 'app' }, targetSize: 2, path: poolFile }],
      },
    };
    const review = ok<{ step: string; code?: string }[]>(await core.dispatch('setup.review', { plan: withExtras }));
    expect(review.filter((o) => o.code).map((o) => `${o.step}/${o.code}`)).toEqual([
      'registry/REGISTRY_CA_COPY',
      'registry/REGISTRY_DEPLOY',
      'registry/REGISTRY_VERIFY',
      'backups/BACKUPS_SCHEDULE',
      'backups/BACKUPS_FIRST',
      'edge/EDGE_FOLLOW',
      'pools/POOL_WRITE',
    ]);
    // The login's password is asked before anything runs, not found missing at the last step.
    expect(await core.dispatch('setup.run', { plan: withExtras, acknowledgeEvenManagers: false })).toMatchObject({
      ok: false,
      error: { code: 'REGISTRY_REFUSED' },
    });

    const outcome = await runToEnd(false, undefined, { plan: withExtras, registryPassword: REGISTRY_PASSWORD });
    expect(outcome.error).toBeUndefined();
    expect(finalSteps(outcome.runId).slice(-4)).toEqual([
      `registry:${lab.workers[0]!.name}=done/REGISTRY_READY`,
      'backups=done/BACKUPS_FIRST_TAKEN',
      'edge=done/EDGE_WRITTEN',
      'pools=done/POOLS_WRITTEN',
    ]);
    const clusterId = outcome.clusterId!;
    // What the day-two tabs show is what the wizard made.
    const registry = ok<RegistryStatus>(await core.dispatch('registry.status', { clusterId }));
    expect(registry.config).toMatchObject({ mode: 'tls', username: 'deploy', network: 'backend' });
    expect(registry.catalog?.map((r) => r.repository)).toContain('swarmdeck-check');
    const backups = ok<BackupState>(await core.dispatch('backups.get', { clusterId }));
    expect(backups.schedule).toEqual({ everyHours: 24, keep: 3 });
    expect(backups.backups).toHaveLength(1);
    // The managers are drained: only the workers take traffic.
    const upstream = await readFile(edgeFile, 'utf8');
    const workerAddresses = await Promise.all(
      lab.workers.map(async (w) => (await docker(w, ['info', '--format', '{{.Swarm.NodeAddr}}'])).trim()),
    );
    for (const address of workerAddresses) expect(upstream).toContain(`server ${address}:8080`);
    expect(upstream.match(/server /g)).toHaveLength(2);
    // The pool's first-boot script holds the worker token: readable by the operator only.
    expect((await stat(poolFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(poolFile, 'utf8')).toContain((await lab.swarm.tokens(lab.managers[0]!)).worker);

    // Run again: nothing is deployed, backed up or written twice.
    const again = await runToEnd(false, undefined, { plan: withExtras, registryPassword: REGISTRY_PASSWORD });
    expect(finalSteps(again.runId).slice(-4)).toEqual([
      `registry:${lab.workers[0]!.name}=skipped/REGISTRY_ALREADY`,
      'backups=done/BACKUPS_SCHEDULED',
      'edge=skipped/EDGE_WRITTEN',
      'pools=skipped/POOLS_CURRENT',
    ]);
    expect(ok<BackupState>(await core.dispatch('backups.get', { clusterId })).backups).toHaveLength(1);

    const files = await readdir(join(dir, 'data'), { recursive: true });
    const texts = await Promise.all(files.map((f) => readFile(join(dir, 'data', f), 'utf8').catch(() => '')));
    const exported = ok<{ yaml: string }>(await core.dispatch('setup.exportPlan', { plan: withExtras })).yaml;
    expect(exported).toContain('firstNow: true');
    for (const text of [...texts, logger.lines.join('\n'), JSON.stringify(seen), exported, upstream]) {
      expect(text.includes(REGISTRY_PASSWORD)).toBe(false);
    }
  });

  it('never takes over a host of another swarm', async () => {
    const worker = lab.workers[1]!;
    await lab.swarm.leave(worker);
    await lab.swarm.init(worker);
    const report = ok<PreflightReport>(await core.dispatch('setup.preflight', { plan }));
    expect(report.checks.find((c) => c.host === worker.name && c.check === 'swarm')).toMatchObject({ status: 'fail', code: 'SWARM_OTHER' });
    const outcome = await runToEnd();
    expect(outcome).toMatchObject({ state: 'failed', error: { code: 'HOST_IN_OTHER_SWARM', params: { host: worker.name } } });
    expect((await docker(worker, ['info', '--format', '{{.Swarm.ControlAvailable}}'])).trim()).toBe('true');
    await lab.swarm.leave(worker);
    expect((await runToEnd()).state).toBe('done');
  });

  it('unlocks a manager that restarted locked, with the key from the keychain', async () => {
    const manager = lab.managers[1]!;
    await lab.exec(manager, ['systemctl', 'restart', 'docker']);
    await expect
      .poll(async () => (await docker(manager, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim(), { timeout: 60_000 })
      .toBe('locked');
    const [cluster] = ok<{ id: string }[]>(await core.dispatch('clusters.list', undefined));
    const connection = ok<{ unlocked: string[]; nodes: number }>(await core.dispatch('clusters.connect', { id: cluster!.id }));
    expect(connection.unlocked).toEqual([manager.name]);
    expect((await docker(manager, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).trim()).toBe('active');
  });

  it('adopts the existing swarm: every node matched to its host', async () => {
    const discovered = ok<{ swarmId: string; nodes: { hostname: string; host: string | null; state: string }[] }>(
      await core.dispatch('clusters.discover', { via: lab.managers[2]!.name }),
    );
    // A host that left and joined again is two nodes (the old one Down): both map to the same host.
    const mapped = new Set(discovered.nodes.filter((n) => n.state === 'ready').map((n) => n.host));
    expect([...mapped].sort()).toEqual(lab.hosts.map((h) => h.name).sort());
    const profile = ok<{ swarmId: string; hosts: string[] }>(
      await core.dispatch('clusters.adopt', { name: 'lab-prod', via: lab.managers[2]!.name, mapping: {} }),
    );
    expect(profile.swarmId).toBe(discovered.swarmId);
    expect(profile.hosts.slice(0, 3).sort()).toEqual(lab.managers.map((h) => h.name).sort());
  });

  it('keeps join tokens and the unlock key out of every file, log and event', async () => {
    const tokens = await lab.swarm.tokens(lab.managers[0]!);
    const unlockKey = (await docker(lab.managers[0]!, ['swarm', 'unlock-key', '-q'])).trim();
    const secrets = [tokens.manager, tokens.worker, unlockKey];
    const files = await readdir(join(dir, 'data'));
    const texts = await Promise.all(files.map((f) => readFile(join(dir, 'data', f), 'utf8').catch(() => '')));
    const exported = ok<{ yaml: string }>(await core.dispatch('setup.exportPlan', { plan })).yaml;
    // The reveal answer is the one sanctioned crossing; events are what the renderer is pushed.
    const haystacks = [...texts, logger.lines.join('\n'), JSON.stringify(seen), exported];
    expect(files).toEqual(expect.arrayContaining(['swarmdeck.json', 'activity.jsonl']));
    for (const secret of secrets) for (const text of haystacks) expect(text.includes(secret)).toBe(false);
    const activity = ok<{ action: string }[]>(await core.dispatch('activity.list', {}));
    expect(activity.map((a) => a.action)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^docker swarm init/), 'docker swarm unlock']),
    );
  });
});
