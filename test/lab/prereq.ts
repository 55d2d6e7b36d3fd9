// Can this machine run the lab? Linux, root, and the programs the lab drives.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Programs on the workstation, with the Debian package that brings each. */
const PROGRAMS: [string, string][] = [
  ['dockerd', 'docker.io'],
  ['containerd', 'containerd'],
  ['runc', 'runc'],
  ['debootstrap', 'debootstrap'],
  ['ssh', 'openssh-client'],
  ['ssh-keygen', 'openssh-client'],
  ['iptables', 'iptables'],
  ['iptables-save', 'iptables'],
  ['ip', 'iproute2'],
  ['nsenter', 'util-linux'],
  ['chroot', 'coreutils'],
  ['tar', 'tar'],
];

function onPath(cmd: string): boolean {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

export interface Support {
  ok: boolean;
  /** Why not, in one line, when !ok. */
  reason?: string;
}

export function labSupport(): Support {
  if (process.platform !== 'linux') return { ok: false, reason: `needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root (runs dockerd, iptables, debootstrap)' };
  const missing = PROGRAMS.filter(([cmd]) => !onPath(cmd));
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map(([, p]) => p))].join(' ');
    return { ok: false, reason: `missing ${missing.map(([c]) => c).join(', ')} (apt-get install ${pkgs})` };
  }
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay')) return { ok: false, reason: 'kernel has no overlay filesystem' };
  if (!existsSync('/sys/fs/cgroup')) return { ok: false, reason: 'no cgroup filesystem at /sys/fs/cgroup' };
  return { ok: true };
}

/** CI=true (or 1): a missing prerequisite fails the run instead of skipping the lab. */
export function inCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}
