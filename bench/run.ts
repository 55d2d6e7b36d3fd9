// `npm run bench [-- NAME…]`: runs the named benchmarks (all by default) and
// writes their tables to bench/results.md as well as stdout.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { coldStartBench } from './cold-start.js';

type Bench = () => Promise<string>;
const BENCHES: Record<string, Bench> = {
  'cold-start': coldStartBench,
  lab: async () => (await import('./lab.js')).labBench(),
  tunnel: async () => (await import('./tunnel.js')).tunnelBench(),
};
const DEFAULT = ['cold-start'];

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
if (!existsSync('out/main/web.js')) execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });

const sections = [
  `# Benchmark results\n\n${new Date().toISOString()} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`,
];
for (const name of names.length > 0 ? names : DEFAULT) {
  process.stderr.write(`running ${name}…\n`);
  const section = await BENCHES[name]!();
  process.stdout.write(`${section}\n`);
  sections.push(section);
}
await writeFile('bench/results.md', `${sections.join('\n')}\n`);
