// `npm run start:web`: build when the sources are newer than the build, then run the web mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json'];
const ENTRY = 'out/main/web.js';

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const stale =
  !existsSync(ENTRY) || !existsSync('out/renderer/index.html') || SOURCES.some((source) => newestMtime(source) > statSync(ENTRY).mtimeMs);
if (stale) {
  process.stderr.write('Building Swarmdeck…\n');
  const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [ENTRY, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
