// Figures for the production essentials on the lab swarm (3 managers + 1 worker, autolock on,
// two services): a backup's duration by step and its archive size, and the private registry's
// no-TLS rollout, which restarts Docker on one node at a time, timed per node.
//   npm run bench -- production        (or npx tsx bench/production.ts [--rounds N])
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BackupProgress, BackupRecord, RegistryProgress, Result, TopologySnapshot } from '../src-main/contract.js';
import { KeytarKeychain } from '../src-main/core/keychain/keytar-keychain.js';
import { createLab, hostInput, LAB_IMAGES, labSupport } from '../test/lab/index.js';
import { testCore } from '../test/support/core.js';
import { startPrivateKeyring } from '../test/support/private-keyring.js';
import { median } from './stats.js';

interface Timed<P> {
  payload: P;
  at: number;
}

/** Seconds from each step's `running` to its end, per step (and target), over a list of progress events. */
function stepSeconds<P extends { step: string; state: string; target?: string | null }>(events: Timed<P>[]): Map<string, number> {
  const started = new Map<string, number>();
  const took = new Map<string, number>();
  for (const { payload: p, at } of events) {
    const key = p.target ? `${p.step} ${p.target}` : p.step;
    if (p.state === 'running') started.set(key, at);
    else if (p.state === 'done' && started.has(key)) took.set(key, (at - started.get(key)!) / 1000);
  }
  return took;
}

export async function productionBench({ rounds = 3 } = {}): Promise<string> {
  const support = labSupport();
  if (!support.ok) return `## Production essentials\n\nSKIPPED lab: ${support.reason}\n`;
  const say = (line: string): boolean => process.stderr.write(`production bench: ${line}\n`);
  const dir = await mkdtemp(join(tmpdir(), 'swarmdeck-bench-'));
  const keyring = await startPrivateKeyring();
  const saved = { ...process.env };
  Object.assign(process.env, keyring.env);
  const lab = createLab();
  try {
    say('starting 4 lab hosts');
    await lab.up({ managers: 3, workers: 1, passwordHost: false });
    await lab.swarm.form();
    const m1 = lab.managers[0]!.name;
    await lab.swarm.docker(m1, ['swarm', 'update', '--autolock=true']);
    for (const [name, replicas] of [
      ['web', '3'],
      ['jobs', '2'],
    ] as const) {
      await lab.swarm.docker(m1, [
        'service',
        'create',
        '--detach',
        '--name',
        name,
        '--replicas',
        replicas,
        '--no-resolve-image',
        LAB_IMAGES.service,
        'sh',
        '-c',
        'while true; do sleep 5; done',
      ]);
    }
    const core = await testCore(join(dir, 'data'), undefined, { keychain: new KeytarKeychain() });
    const events: Timed<{ event: string; payload: unknown }>[] = [];
    core.events.subscribe((event, payload) => {
      events.push({ payload: { event, payload }, at: Date.now() });
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
    });
    const must = <T>(r: Result<unknown>): T => {
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value as T;
    };
    for (const h of lab.hosts) must(await core.dispatch('hosts.save', hostInput(h)));
    const clusterId = must<{ id: string }>(await core.dispatch('clusters.adopt', { name: 'bench', via: m1, mapping: {} })).id;
    const of = <P>(name: string, from: number): Timed<P>[] =>
      events
        .slice(from)
        .filter((e) => e.payload.event === name)
        .map((e) => ({ payload: e.payload.payload as P, at: e.at }));

    const backups: { record: BackupRecord; steps: Map<string, number> }[] = [];
    for (let i = 0; i < rounds; i++) {
      say(`backup ${i + 1} of ${rounds}`);
      const from = events.length;
      const record = must<BackupRecord>(
        await core.dispatch('backups.run', { clusterId, acknowledgeSingleManager: false, encryption: 'keychain' }),
      );
      backups.push({ record, steps: stepSeconds(of<BackupProgress>('backups:progress', from)) });
    }

    say('registry without TLS: rolling restart');
    const snapshot = must<TopologySnapshot>(await core.dispatch('topology.watch', { clusterId }));
    must(await core.dispatch('topology.unwatch', { clusterId }));
    const worker = snapshot.nodes.find((n) => n.role === 'worker')!;
    const from = events.length;
    const started = Date.now();
    must(
      await core.dispatch('registry.deploy', {
        clusterId,
        config: {
          nodeId: worker.id,
          port: 5000,
          publish: 'host',
          image: LAB_IMAGES.registry,
          mode: 'insecure',
          address: worker.address,
          username: null,
          acknowledgeInsecure: true,
          network: null,
        },
      }),
    );
    const deploySeconds = (Date.now() - started) / 1000;
    const registrySteps = stepSeconds(of<RegistryProgress>('registry:step', from));
    const restarts = [...registrySteps].filter(([key]) => key.startsWith('restart '));
    const roles = new Map(lab.hosts.map((h) => [h.name, h.role]));

    const s = (x: number): string => x.toFixed(1);
    const stepNames = ['stop', 'archive', 'start', 'unlock', 'reachable', 'encrypt'];
    const rows = [
      '| what | each run | median |',
      '| --- | --- | --- |',
      `| backup end to end (check → Reachable again → encrypted) | ${backups.map((b) => s(b.record.durationMs / 1000)).join(', ')} s | ${s(median(backups.map((b) => b.record.durationMs / 1000)))} s |`,
      ...stepNames.map((step) => {
        const xs = backups.map((b) => b.steps.get(step) ?? NaN);
        return `| … ${step} | ${xs.map(s).join(', ')} s | ${s(median(xs))} s |`;
      }),
      `| archive size (encrypted) | ${backups.map((b) => `${Math.round(b.record.bytes / 1024)}`).join(', ')} KiB | ${Math.round(median(backups.map((b) => b.record.bytes)) / 1024)} KiB |`,
      ...restarts.map(([key, secs]) => {
        const alias = key.slice('restart '.length);
        return `| rolling restart: ${alias} (${roles.get(alias) ?? '?'}) — restart, Ready${roles.get(alias) === 'manager' ? ', Reachable, unlocked' : ''} | ${s(secs)} s | |`;
      }),
      `| registry without TLS: deploy end to end (daemon.json on ${restarts.length} nodes, restarts, service, push/pull/run check) | ${s(deploySeconds)} s | |`,
    ];
    return [
      '## Production essentials (lab: 3 managers + 1 worker, autolock, 2 services)',
      '',
      ...rows,
      '',
      `- Backups stop Docker on one non-leader manager; "stop" includes Docker's 10 s grace for the task containers on that node. ${rounds} runs in one session, one after another.`,
      '- The rollout restarts one node at a time (workers first, the leader last); each row is one node, from its restart to Ready (managers: Reachable and unlocked).',
      '',
    ].join('\n');
  } finally {
    await lab.down();
    for (const key of Object.keys(keyring.env)) process.env[key] = saved[key];
    await keyring.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--rounds');
  process.stdout.write(`${await productionBench({ rounds: at >= 0 ? Number(process.argv[at + 1] ?? 3) : 3 })}\n`);
}
