// Figures for the test lab (test/lab): cold image build (opt-in, slow), warm `up` of five
// hosts, memory per host idle and as swarm members, `down`. Benchmarks, not assertions.
//   npx tsx bench/lab.ts [--cold] [--runs N]     (or `npm run bench -- lab`, warm only;
//   SWARMDECK_LAB_BENCH_COLD=1 adds the cold build there)
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createLab, ensureHostImage, labSupport } from '../test/lab/index.js';
import type { HostMemory } from '../test/lab/index.js';
import { shutdownIfIdle } from '../test/lab/cleanup.js';
import { ensureOuterDocker } from '../test/lab/outer-docker.js';
import { withLock } from '../test/lab/state.js';
import { sleep } from '../test/lab/exec.js';

const MiB = 1024 * 1024;

function fmtS(s: number): string {
  return `${s.toFixed(1)} s`;
}

function memRow(label: string, mem: HostMemory[]): string {
  const rss = mem.map((m) => m.rssBytes / MiB);
  const use = mem.map((m) => m.usageBytes / MiB);
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return `| memory per host, ${label} | ${avg(rss).toFixed(0)} MiB RSS (max ${Math.max(...rss).toFixed(0)}); ${avg(use).toFixed(0)} MiB with page cache (max ${Math.max(...use).toFixed(0)}) |`;
}

export async function labBench({ cold = process.env.SWARMDECK_LAB_BENCH_COLD === '1', runs = 1 } = {}): Promise<string> {
  const support = labSupport();
  if (!support.ok) return `## Test lab\n\nSKIPPED lab: ${support.reason}\n`;
  const rows: string[] = ['| what | figure |', '| --- | --- |'];

  if (cold) {
    const r = await withLock(async () => {
      await ensureOuterDocker();
      return ensureHostImage({ rebuild: true });
    });
    await shutdownIfIdle();
    rows.push(`| image build, cold (debootstrap + import + save) | ${fmtS(r.seconds)} |`);
  }

  for (let i = 1; i <= runs; i++) {
    const lab = createLab();
    try {
      const t0 = performance.now();
      await lab.up({ managers: 3, workers: 2 });
      const up = (performance.now() - t0) / 1000;
      const t = lab.lastUpTimings;
      const parts = t
        ? ` (daemon ${fmtS(t.daemon)}, image ${t.imageSource} ${fmtS(t.image)}, create ${fmtS(t.create)}, boot ${fmtS(t.boot)})`
        : '';
      rows.push(`| \`up\` of 5 hosts, warm cache${runs > 1 ? ` #${i}` : ''} | ${fmtS(up)}${parts} |`);
      if (i === runs) {
        await sleep(5000);
        rows.push(memRow('booted, idle', await lab.memory()));
        const t1 = performance.now();
        await lab.swarm.form();
        rows.push(`| swarm of 5 formed (lab.swarm.form) | ${fmtS((performance.now() - t1) / 1000)} |`);
        await sleep(5000);
        rows.push(memRow('in the swarm', await lab.memory()));
      }
    } finally {
      const t2 = performance.now();
      await lab.down();
      rows.push(`| \`down\` (5 hosts, outer daemon stopped) | ${fmtS((performance.now() - t2) / 1000)} |`);
    }
  }
  return `## Test lab\n\n${rows.join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1] ?? 1) : 1;
  process.stdout.write(`${await labBench({ cold: args.includes('--cold') || undefined, runs })}\n`);
}
