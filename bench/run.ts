// `npm run bench [-- NAME…]`: runs the named benchmarks (all by default) and
// writes their tables to bench/results.md as well as stdout.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { coldStartBench } from './cold-start.js';

type Bench = () => Promise<string>;
const BENCHES: Record<string, Bench> = {
  'cold-start': coldStartBench,
  lab: async () => (await import('./lab.js')).labBench(),
  tunnel: async () => (await import('./tunnel.js')).tunnelBench(),
  bootstrap: async () => (await import('./bootstrap.js')).bootstrapBench(),
  topology: async () => (await import('./topology.js')).topologyBench(),
  production: async () => (await import('./production.js')).productionBench(),
};
const DEFAULT = ['cold-start'];

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
if (!existsSync('out/main/web.js')) execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });

// Each benchmark's table is kept under a marker, so running one leaves the others' last figures in place.
const RESULTS = 'bench/results.md';
const previous = existsSync(RESULTS) ? await readFile(RESULTS, 'utf8') : '';
const sections = new Map<string, string>();
for (const match of previous.matchAll(/<!-- bench:([a-z-]+) -->\n([\s\S]*?)(?=<!-- bench:|$)/g)) sections.set(match[1]!, match[2]!.trim());
const stamp = `${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`;
for (const name of names.length > 0 ? names : DEFAULT) {
  process.stderr.write(`running ${name}…\n`);
  const section = await BENCHES[name]!();
  process.stdout.write(`${section}\n`);
  sections.set(name, `${section.trim()}\n\n_Measured ${stamp}._`);
}
const body = Object.keys(BENCHES)
  .filter((name) => sections.has(name))
  .map((name) => `<!-- bench:${name} -->\n${sections.get(name)}\n`);
await writeFile(RESULTS, `# Benchmark results\n\n${body.join('\n')}`);
// The benchmarks' cores have no close: their SSH links would keep retrying hosts the labs took down.
process.exit(0);
