import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type Prerequisite = { ok: true; path?: string } | { ok: false; reason: string };

/**
 * Whether an Electron binary exists, read from what the `electron` package
 * recorded. Requiring the package instead would start a download where the
 * binary is missing, and these machines have no internet.
 */
export function electronBinaryStatus(): Prerequisite {
  const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (relative && existsSync(join(distDir, relative))) return { ok: true, path: join(distDir, relative) };
  return { ok: false, reason: `the electron package has no binary in ${distDir}; it downloads one on first launch, which needs internet` };
}

/** The lab needs Linux, root and Debian's docker.io; elsewhere its suites are skipped (never in CI). */
export function labStatus(): Prerequisite {
  if (process.platform !== 'linux') return { ok: false, reason: `needs Linux, this is ${process.platform}` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root (it runs its own dockerd)' };
  if (!existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd'))
    return { ok: false, reason: 'dockerd is not installed (apt-get install docker.io)' };
  if (!existsSync('test/lab')) return { ok: false, reason: 'test/lab is missing' };
  return { ok: true };
}
