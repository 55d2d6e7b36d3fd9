// Taking labs down, and proving nothing is left. Every step tolerates what is already gone,
// so down() can run twice, after a failed up(), or after a crash.
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { LabError, run } from './exec.js';
import {
  containerdPid,
  createdSidePaths,
  docker,
  dockerdPid,
  ensureOuterDocker,
  removeSidePaths,
  stopOuterDocker,
} from './outer-docker.js';
import { removeChains, removeNetworks } from './network.js';
import { CGROUP_PARENT, DATA_ROOT, INNER_CGROUP_PARENT, IPTABLES_CHAIN, LABEL, RUN_DIR } from './paths.js';
import { labIds, readLab, removeLabDir, withLock } from './state.js';

async function removeLabObjects(id: string): Promise<void> {
  const filter = ['--filter', `label=${LABEL}=${id}`];
  const ids = (await docker(['ps', '-aq', ...filter])).stdout.split('\n').filter(Boolean);
  // -f: SIGKILL, no clean shutdown needed; -v: anonymous volumes too.
  await Promise.all(ids.map((c) => docker(['rm', '-f', '-v', c], { timeoutMs: 60_000 })));
  const vols = (await docker(['volume', 'ls', '-q', ...filter])).stdout.split('\n').filter(Boolean);
  for (const v of vols) await docker(['volume', 'rm', '-f', v], { timeoutMs: 60_000 });
  const nets = (await docker(['network', 'ls', '-q', ...filter])).stdout.split('\n').filter(Boolean);
  for (const n of nets) await docker(['network', 'rm', n], { timeoutMs: 30_000 });
}

/**
 * Objects of labs that no longer have state (the machine rebooted and /run was emptied,
 * say): they would hold the names and addresses a new lab needs. Caller holds the lock.
 */
export async function removeOrphans(): Promise<void> {
  const known = new Set(labIds());
  const fmt = `{{.Label "${LABEL}"}}`;
  const orphans = async (args: string[]): Promise<string[]> =>
    (await docker([...args, '--filter', `label=${LABEL}`, '--format', `{{.ID}} ${fmt}`])).stdout
      .split('\n')
      .map((l) => l.split(' '))
      .filter(([objId, lab]) => objId && !known.has(lab ?? ''))
      .map(([objId]) => objId ?? '');
  for (const c of await orphans(['ps', '-a'])) await docker(['rm', '-f', '-v', c], { timeoutMs: 60_000 });
  for (const n of await orphans(['network', 'ls'])) await docker(['network', 'rm', n], { timeoutMs: 30_000 });
  const vols = (await docker(['volume', 'ls', '--filter', `label=${LABEL}`, '--format', `{{.Name}} ${fmt}`])).stdout
    .split('\n')
    .map((l) => l.split(' '))
    .filter(([name, lab]) => name && !known.has(lab ?? ''));
  for (const [name] of vols) await docker(['volume', 'rm', '-f', name ?? ''], { timeoutMs: 60_000 });
}

/** Takes one lab down; the last one out also stops the outer daemon and removes shared state. */
export async function downLab(id: string): Promise<void> {
  await withLock(async () => {
    const state = readLab(id);
    const known = labIds().includes(id);
    if (known) {
      if (state?.reaperPid !== undefined) stopReaper(state.reaperPid);
      // Stopped containers still sit in the daemon's store: the daemon is needed to remove them.
      if (existsSync(path.join(DATA_ROOT, 'docker'))) await ensureOuterDocker();
      await removeLabObjects(id);
      if (state) await removeNetworks(state.slot);
      removeLabDir(id);
    }
    if (labIds().length === 0) await shutdownShared();
  });
}

/** The lab's watchdog, unless that is us (it calls downLab itself). */
function stopReaper(pid: number): void {
  if (pid === process.pid) return;
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('reaper.ts')) process.kill(pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

/** Every lab, whoever started it, and anything else carrying the lab label. */
export async function downAll(): Promise<void> {
  await withLock(async () => {
    if (existsSync(path.join(DATA_ROOT, 'docker'))) {
      await ensureOuterDocker();
      for (const id of labIds()) {
        const state = readLab(id);
        if (state?.reaperPid !== undefined) stopReaper(state.reaperPid);
        await removeLabObjects(id);
        if (state) await removeNetworks(state.slot);
        removeLabDir(id);
      }
      const any = ['--filter', `label=${LABEL}`];
      for (const c of (await docker(['ps', '-aq', ...any])).stdout.split('\n').filter(Boolean)) await docker(['rm', '-f', '-v', c]);
      for (const v of (await docker(['volume', 'ls', '-q', ...any])).stdout.split('\n').filter(Boolean))
        await docker(['volume', 'rm', '-f', v]);
      for (const n of (await docker(['network', 'ls', '-q', ...any])).stdout.split('\n').filter(Boolean))
        await docker(['network', 'rm', n]);
    }
    for (const id of labIds()) removeLabDir(id);
    await shutdownShared();
  });
}

/** Stops the outer daemon if no lab uses it (after a build, say). */
export async function shutdownIfIdle(): Promise<void> {
  await withLock(async () => {
    if (labIds().length === 0) await shutdownShared();
  });
}

/** Stops the outer daemon and removes what only it needed. Caller holds the lab lock. */
async function shutdownShared(): Promise<void> {
  await stopOuterDocker();
  removeSidePaths();
  await removeChains();
  removeCgroups();
  await unmountUnder(RUN_DIR);
  // Everything but the lock folder, which withLock removes on the way out.
  for (const e of existsSync(RUN_DIR) ? readdirSync(RUN_DIR) : []) {
    if (e !== 'lock') rmSync(path.join(RUN_DIR, e), { recursive: true, force: true });
  }
}

function cgroupRoots(): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2')
    .map((f) => f[1] ?? '')
    .filter(Boolean);
}

/** Empty cgroups the lab's hosts left (a killed host's dockerd cannot remove its own). */
function removeCgroups(): void {
  const rmTree = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) rmTree(path.join(dir, e.name));
    try {
      rmdirSync(dir);
    } catch {
      /* still has processes: reported by leftovers() */
    }
  };
  for (const root of cgroupRoots()) {
    for (const name of [CGROUP_PARENT, INNER_CGROUP_PARENT]) {
      const dir = path.join(root, name);
      if (existsSync(dir)) rmTree(dir);
    }
  }
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((m) => m === dir || m.startsWith(`${dir}/`));
}

/** Mounts a crashed daemon left (netns files, shm); deepest first. */
async function unmountUnder(dir: string): Promise<void> {
  for (const m of mountsUnder(dir).sort((a, b) => b.length - a.length)) await run('umount', ['-l', m], { timeoutMs: 10_000 });
}

/** What the lab left on the workstation; empty when a down was complete. */
export async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  if (dockerdPid() !== undefined) found.push(`outer dockerd pid ${dockerdPid()}`);
  if (containerdPid() !== undefined) found.push(`outer containerd pid ${containerdPid()}`);
  // Any process still using lab paths: shims, a daemon whose pidfile is gone, a reaper...
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if ((/swarmdeck-lab|sdlab\d/.test(cmd) && !/vitest|\bnpm\b/.test(cmd)) || /test\/lab\/(reaper|owner-fixture)\.ts/.test(cmd))
      found.push(`process ${pid}: ${cmd.trim().slice(0, 160)}`);
  }
  const links = await run('ip', ['-o', 'link', 'show'], { timeoutMs: 10_000 });
  for (const l of links.stdout.split('\n')) {
    const m = /^\d+:\s+(sdlab[^:@\s]*)/.exec(l);
    if (m) found.push(`interface ${m[1]}`);
  }
  const rules = await run('iptables-save', [], { timeoutMs: 10_000 });
  for (const l of rules.stdout.split('\n')) if (l.includes(IPTABLES_CHAIN) || l.includes('swarmdeck-lab')) found.push(`iptables: ${l}`);
  const netns = await run('ip', ['netns', 'list'], { timeoutMs: 10_000 });
  for (const l of netns.stdout.split('\n')) if (/sdlab|swarmdeck/.test(l)) found.push(`netns ${l}`);
  for (const p of createdSidePaths()) if (existsSync(p)) found.push(`${p} (created by the lab's daemons)`);
  if (existsSync(RUN_DIR)) found.push(`${RUN_DIR} still exists: ${readdirSync(RUN_DIR).join(', ')}`);
  for (const m of [...mountsUnder(RUN_DIR), ...mountsUnder(DATA_ROOT)]) found.push(`mount ${m}`);
  for (const root of cgroupRoots()) {
    for (const name of [CGROUP_PARENT, INNER_CGROUP_PARENT])
      if (existsSync(path.join(root, name))) found.push(`cgroup ${path.join(root, name)}`);
  }
  return found;
}

/**
 * What the outer daemon's store still holds: starts the daemon briefly (it must be down,
 * with no lab up), lists every container, volume and non-builtin network, stops it again.
 */
export async function storeLeftovers(): Promise<string[]> {
  return withLock(async () => {
    if (labIds().length > 0) throw new LabError(`labs are up (${labIds().join(', ')}): cannot inspect the store`);
    await ensureOuterDocker();
    try {
      const lines = async (args: string[]): Promise<string[]> => (await docker(args)).stdout.split('\n').filter(Boolean);
      return [
        ...(await lines(['ps', '-a', '--format', 'container {{.Names}}'])),
        ...(await lines(['volume', 'ls', '--format', 'volume {{.Name}}'])),
        ...(await lines(['network', 'ls', '--format', 'network {{.Name}}'])).filter((n) => !/^network (host|none)$/.test(n)),
      ];
    } finally {
      await shutdownShared();
    }
  });
}
