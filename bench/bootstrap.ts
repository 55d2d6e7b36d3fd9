// The app's bootstrap (preflight included) of 3 managers + 2 workers, beside a
// sequential shell baseline that does the same with `ssh host docker swarm …`,
// in one run on the same lab hosts (reset with `swarm leave --force` between
// rounds; the order alternates so neither side always goes first).
//   npm run bench -- bootstrap        (or npx tsx bench/bootstrap.ts [--rounds N])
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { BootstrapOutcome, Result, SwarmPlan } from '../src-main/contract.js';
import { createLab, hostInput, type Lab, labSupport } from '../test/lab/index.js';
import { testCore } from '../test/support/core.js';

async function appBootstrap(lab: Lab, plan: SwarmPlan): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'swarmdeck-bench-'));
  try {
    const core = await testCore(dir);
    const must = <T>(r: Result<unknown>): T => {
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value as T;
    };
    let finish: (o: BootstrapOutcome) => void = () => undefined;
    const finished = new Promise<BootstrapOutcome>((resolve) => (finish = resolve));
    core.events.subscribe((event, payload) => {
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
      if (event === 'setup:finished') finish(payload as BootstrapOutcome);
    });
    for (const h of lab.hosts) {
      must(await core.dispatch('hosts.save', hostInput(h)));
    }
    const t0 = performance.now();
    const report = must<{ passed: boolean }>(await core.dispatch('setup.preflight', { plan }));
    if (!report.passed) throw new Error('preflight failed');
    must(await core.dispatch('setup.run', { plan, acknowledgeEvenManagers: false }));
    const outcome = await finished;
    if (outcome.state !== 'done') throw new Error(`bootstrap ${outcome.state}: ${outcome.error?.message ?? ''}`);
    return (performance.now() - t0) / 1000;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What an operator's script does: one `ssh host docker …` after another. */
async function shellBootstrap(lab: Lab): Promise<number> {
  const sh = async (host: string, command: string): Promise<string> => {
    const r = await lab.ssh(host, command);
    if (r.code !== 0) throw new Error(`${host}: ${command}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const [first, ...others] = lab.managers;
  const t0 = performance.now();
  await sh(first!.name, `docker swarm init --advertise-addr ${first!.address} --listen-addr 0.0.0.0:2377 --autolock`);
  const managerToken = await sh(first!.name, 'docker swarm join-token -q manager');
  const workerToken = await sh(first!.name, 'docker swarm join-token -q worker');
  for (const m of others)
    await sh(m.name, `docker swarm join --token ${managerToken} --advertise-addr ${m.address} ${first!.address}:2377`);
  for (const w of lab.workers)
    await sh(w.name, `docker swarm join --token ${workerToken} --advertise-addr ${w.address} ${first!.address}:2377`);
  await sh(first!.name, 'for n in $(docker node ls -q --filter role=manager); do docker node update --availability drain $n; done');
  await sh(first!.name, 'docker network create --driver overlay --subnet 10.0.9.0/24 --opt encrypted --attachable backend');
  await sh(first!.name, 'docker node ls');
  return (performance.now() - t0) / 1000;
}

async function reset(lab: Lab): Promise<void> {
  for (const h of [...lab.workers, ...lab.managers]) await lab.swarm.docker(h.name, ['swarm', 'leave', '--force']);
}

export async function bootstrapBench({ rounds = 2 } = {}): Promise<string> {
  const support = labSupport();
  if (!support.ok) return `## Bootstrap\n\nSKIPPED lab: ${support.reason}\n`;
  const say = (line: string): boolean => process.stderr.write(`bootstrap bench: ${line}\n`);
  const lab = createLab();
  say('starting 5 lab hosts');
  await lab.up({ managers: 3, workers: 2, passwordHost: false });
  try {
    const plan: SwarmPlan = {
      name: 'bench',
      hosts: lab.hosts.map((h) => ({ host: h.name, role: h.role === 'manager' ? 'manager' : 'worker', advertiseAddress: null })),
      addressPool: null,
      dedicatedManagers: true,
      autolock: true,
      networks: [{ name: 'backend', subnet: '10.0.9.0/24', encrypted: true, attachable: true }],
    };
    const app: number[] = [];
    const shell: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? (['app', 'shell'] as const) : (['shell', 'app'] as const);
      for (const side of order) {
        say(`round ${i + 1}: ${side}`);
        if (side === 'app') app.push(await appBootstrap(lab, plan));
        else shell.push(await shellBootstrap(lab));
        await reset(lab);
      }
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rows = [
      '| what | seconds (each round) | median |',
      '| --- | --- | --- |',
      `| Swarmdeck: preflight + bootstrap (init, 2 managers one by one until Reachable, 2 workers in parallel, drain, encrypted network, verify) | ${app.map((s) => s.toFixed(1)).join(', ')} | ${median(app).toFixed(1)} |`,
      `| shell baseline: sequential \`ssh host docker swarm …\` (same operations, no checks, no waiting) | ${shell.map((s) => s.toFixed(1)).join(', ')} | ${median(shell).toFixed(1)} |`,
      `| ratio app / baseline (target ≤ 0.8×) | | ${(median(app) / median(shell)).toFixed(2)}× |`,
    ];
    return `## Bootstrap (3 managers + 2 workers, lab)\n\n${rows.join('\n')}\n`;
  } finally {
    await lab.down();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--rounds');
  process.stdout.write(`${await bootstrapBench({ rounds: at >= 0 ? Number(process.argv[at + 1] ?? 2) : 2 })}\n`);
}
