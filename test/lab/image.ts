// The lab host image: built once from Debian packages (debootstrap, about 2 minutes), then
// cached twice, as a tag in the outer daemon and as a `docker save` tarball, both keyed by a
// hash of the recipe (the files under image/), so a changed recipe rebuilds by itself.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LabError, alive, must, sleep } from './exec.js';
import { docker, dockerCli, dockerMust } from './outer-docker.js';
import { CACHE_DIR, DOCKER_HOST, IMAGE_RECIPE_DIR, RUN_DIR } from './paths.js';

/** Debian release of the lab hosts. Part of the recipe hash. */
export const SUITE = 'bookworm';
/** Bump to force a rebuild when something outside image/ changes what the build makes. */
const RECIPE_VERSION = '1';
const BUILD_TIMEOUT_MS = 20 * 60_000;
const IMPORT_TIMEOUT_MS = 10 * 60_000;

/** Images every lab host has loaded in its own dockerd (no registry is reachable). */
export const LAB_IMAGES = {
  /** Static busybox; default command serves /www over HTTP on port 80. */
  service: 'lab/busybox:latest',
  /** Debian's docker-registry; plain HTTP on 5000, data in /var/lib/docker-registry. */
  registry: 'lab/registry:latest',
} as const;

export interface ImageResult {
  ref: string;
  /** How the image was obtained this time. */
  source: 'present' | 'cache-tarball' | 'built';
  seconds: number;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? listFiles(p, base) : [path.relative(base, p)];
    })
    .sort();
}

export function recipeHash(): string {
  const h = createHash('sha256');
  h.update(`suite=${SUITE}\nversion=${RECIPE_VERSION}\n`);
  for (const rel of listFiles(IMAGE_RECIPE_DIR)) {
    h.update(`${rel}\n`);
    h.update(readFileSync(path.join(IMAGE_RECIPE_DIR, rel)));
  }
  return h.digest('hex').slice(0, 16);
}

export function hostImageRef(hash = recipeHash()): string {
  return `swarmdeck-lab/host:${hash}`;
}

function cacheTarball(hash: string): string {
  return path.join(CACHE_DIR, `host-${hash}.tar`);
}

/**
 * The Debian mirror this machine's apt already uses (deb822 .sources, then sources.list).
 * Read at build time so that no mirror host is written into the repository.
 */
export function aptMirror(): string {
  const override = process.env.SWARMDECK_LAB_MIRROR;
  if (override) return override;
  const dir = '/etc/apt/sources.list.d';
  const stanzas: string[] = [];
  if (existsSync(dir)) {
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.sources'))
      .sort()) {
      stanzas.push(...readFileSync(path.join(dir, f), 'utf8').split(/\n\s*\n/));
    }
  }
  for (const s of stanzas) {
    const uris = /^URIs:\s*(\S+)/im.exec(s)?.[1];
    const suites = /^Suites:\s*(.+)$/im.exec(s)?.[1]?.split(/\s+/) ?? [];
    // The main archive: a suite without "-security"/"-updates" suffix.
    if (uris && /^Types:.*\bdeb\b/im.test(s) && suites.some((x) => !x.includes('-'))) return uris;
  }
  if (existsSync('/etc/apt/sources.list')) {
    for (const line of readFileSync('/etc/apt/sources.list', 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+([a-z]+)\s/.exec(line.trim());
      if (m?.[1] && m[2] && !m[2].includes('-')) return m[1];
    }
  }
  throw new LabError('no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list (set SWARMDECK_LAB_MIRROR)');
}

/** tar -C dir -c . | docker import [changes] - ref, both bounded by one timeout. */
function importDir(dir: string, ref: string, changes: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', dir, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const args = ['import', ...changes.flatMap((c) => ['-c', c]), '-', ref];
    const imp = spawn(dockerCli(), args, {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, DOCKER_HOST, DOCKER_CONFIG: path.join(RUN_DIR, 'client') },
    });
    let err = '';
    tar.stderr.on('data', (d: Buffer) => (err += d.toString()));
    imp.stderr.on('data', (d: Buffer) => (err += d.toString()));
    tar.stdout.pipe(imp.stdin);
    const timer = setTimeout(() => {
      tar.kill('SIGKILL');
      imp.kill('SIGKILL');
    }, IMPORT_TIMEOUT_MS);
    let tarCode: number | null = null;
    tar.on('close', (c) => (tarCode = c));
    tar.on('error', (e) => reject(new LabError(`tar: ${e.message}`)));
    imp.on('error', (e) => reject(new LabError(`docker import: ${e.message}`)));
    imp.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && tarCode === 0) resolve();
      else reject(new LabError(`importing ${dir} as ${ref} failed (tar ${tarCode}, docker import ${code}): ${err.trim()}`));
    });
  });
}

/** One builder at a time across processes; a lock whose owner died is taken over. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(CACHE_DIR, { recursive: true, mode: 0o755 });
  const lock = path.join(CACHE_DIR, 'build.lock');
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), `${process.pid}\n`);
      break;
    } catch {
      const owner = Number.parseInt(readFileSafe(path.join(lock, 'pid')), 10);
      if (!Number.isInteger(owner) || !alive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new LabError(`image build lock ${lock} held by pid ${owner} for too long`);
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** Refuses to delete a build folder that still has something mounted inside it. */
function removeBuildDir(dir: string): void {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`));
  if (mounts.length > 0) throw new LabError(`not deleting ${dir}: still mounted: ${mounts.join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
}

async function build(hash: string, ref: string): Promise<void> {
  const work = path.join(CACHE_DIR, `build-${hash}`);
  if (existsSync(work)) removeBuildDir(work);
  mkdirSync(work, { recursive: true });
  // util-linux's mount (for the chroot's /proc) makes /run/mount for its utab.
  const hadRunMount = existsSync('/run/mount');
  try {
    await must('bash', [path.join(IMAGE_RECIPE_DIR, 'build-rootfs.sh'), work, aptMirror(), SUITE], { timeoutMs: BUILD_TIMEOUT_MS });
    const rootfs = path.join(work, 'rootfs');
    const images = path.join(rootfs, 'usr/share/swarmdeck-lab/images');
    mkdirSync(images, { recursive: true });
    const small: [keyof typeof LAB_IMAGES, string, string[]][] = [
      ['service', 'service', ['CMD ["httpd","-f","-p","80","-h","/www"]', 'EXPOSE 80']],
      [
        'registry',
        'registry',
        ['CMD ["/usr/bin/docker-registry","serve","/etc/docker/registry/config.yml"]', 'EXPOSE 5000', 'VOLUME /var/lib/docker-registry'],
      ],
    ];
    for (const [key, dir, changes] of small) {
      const imgRef = LAB_IMAGES[key];
      await importDir(path.join(work, dir), imgRef, changes);
      await dockerMust(['save', '-o', path.join(images, `${key}.tar`), imgRef], { timeoutMs: IMPORT_TIMEOUT_MS });
      writeFileSync(path.join(images, `${key}.ref`), `${imgRef}\n`);
      await docker(['rmi', imgRef]);
    }
    await importDir(rootfs, ref, ['CMD ["/sbin/init"]', 'ENV container=docker']);
    const tarball = cacheTarball(hash);
    await dockerMust(['save', '-o', `${tarball}.part`, ref], { timeoutMs: IMPORT_TIMEOUT_MS });
    renameSync(`${tarball}.part`, tarball);
  } finally {
    removeBuildDir(work);
    if (!hadRunMount) {
      try {
        rmdirSync('/run/mount');
      } catch {
        /* not there, or in use */
      }
    }
  }
}

/** Older recipes' tarballs and tags: a changed recipe should not leave 500 MB behind each time. */
async function pruneOld(hash: string): Promise<void> {
  for (const f of existsSync(CACHE_DIR) ? readdirSync(CACHE_DIR) : []) {
    if (/^host-[0-9a-f]+\.tar(\.part)?$/.test(f) && f !== `host-${hash}.tar`) rmSync(path.join(CACHE_DIR, f), { force: true });
  }
  const tags = (await dockerMust(['images', 'swarmdeck-lab/host', '--format', '{{.Repository}}:{{.Tag}}'])).split('\n').filter(Boolean);
  for (const t of tags) if (t !== hostImageRef(hash)) await docker(['rmi', t]);
}

/**
 * Makes the host image available in the outer daemon (which must be running).
 * `rebuild` ignores both caches (for the cold-build benchmark).
 */
export async function ensureHostImage({ rebuild = false }: { rebuild?: boolean } = {}): Promise<ImageResult> {
  const started = Date.now();
  const hash = recipeHash();
  const ref = hostImageRef(hash);
  const seconds = (): number => (Date.now() - started) / 1000;
  const present = async (): Promise<boolean> => (await docker(['image', 'inspect', ref], { timeoutMs: 30_000 })).code === 0;
  if (!rebuild && (await present())) return { ref, source: 'present', seconds: seconds() };
  return withBuildLock(async () => {
    // Another process may have finished the same build while we waited for the lock.
    if (!rebuild && (await present())) return { ref, source: 'present', seconds: seconds() };
    const tarball = cacheTarball(hash);
    if (!rebuild && existsSync(tarball) && statSync(tarball).size > 0) {
      await dockerMust(['load', '-q', '-i', tarball], { timeoutMs: IMPORT_TIMEOUT_MS });
      return { ref, source: 'cache-tarball', seconds: seconds() };
    }
    if (rebuild) await docker(['rmi', ref]);
    await build(hash, ref);
    await pruneOld(hash);
    return { ref, source: 'built', seconds: seconds() };
  });
}
