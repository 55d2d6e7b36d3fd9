// Where the lab keeps things on the workstation, and the address plan of its networks.
// Everything lives outside the repository and outside ~/.ssh; names are prefixed so that
// nothing collides with another Docker on the machine and leftovers are easy to find.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Runtime state: sockets, pids, per-lab keys and ssh config. A tmpfs, gone at reboot. */
export const RUN_DIR = process.env.SWARMDECK_LAB_RUN_DIR ?? '/run/swarmdeck-lab';
/** The outer dockerd's data-root: image store that survives between runs. */
export const DATA_ROOT = process.env.SWARMDECK_LAB_DATA_ROOT ?? '/var/lib/swarmdeck-lab';
/** Saved host images (docker save), so a fresh data-root loads instead of rebuilding. */
export const CACHE_DIR = process.env.SWARMDECK_LAB_CACHE_DIR ?? '/var/cache/swarmdeck-lab';

export const DOCKER_SOCK = path.join(RUN_DIR, 'docker.sock');
export const DOCKER_HOST = `unix://${DOCKER_SOCK}`;
export const DOCKERD_PIDFILE = path.join(RUN_DIR, 'dockerd.pid');
/** Short on purpose: containerd puts sockets under it and unix socket paths are limited. */
export const EXEC_ROOT = path.join(RUN_DIR, 'x');
export const CONTAINERD_DIR = path.join(RUN_DIR, 'ctr');
export const CONTAINERD_SOCK = path.join(CONTAINERD_DIR, 'containerd.sock');
export const CONTAINERD_PIDFILE = path.join(RUN_DIR, 'containerd.pid');
/** Daemon logs outlive a run (in the data-root, not /run) for reading after a failure. */
export const LOG_DIR = path.join(DATA_ROOT, 'logs');
export const DOCKERD_LOG = path.join(LOG_DIR, 'dockerd.log');
export const CONTAINERD_LOG = path.join(LOG_DIR, 'containerd.log');
export const LABS_DIR = path.join(RUN_DIR, 'labs');
export const LOCK_DIR = path.join(RUN_DIR, 'lock');

/** cgroup parents: outer containers, and the containers the hosts' own dockerds run. */
export const CGROUP_PARENT = 'swarmdeck-lab';
export const INNER_CGROUP_PARENT = 'swarmdeck-lab-inner';

/** iptables chain in the workstation's namespace (jumped to from FORWARD and OUTPUT). */
export const IPTABLES_CHAIN = 'SWARMDECK-LAB';
/** Label on every container, volume and network the lab creates. */
export const LABEL = 'io.swarmdeck.lab';

export const LAB_SOURCE_DIR = path.dirname(fileURLToPath(import.meta.url));
export const IMAGE_RECIPE_DIR = path.join(LAB_SOURCE_DIR, 'image');

/** Most labs at once on one machine (each gets its own subnets and bridge names). */
export const MAX_SLOTS = 8;

export interface NetPlan {
  /** Workstation-reachable network: every host, or only the bastion. */
  main: { bridge: string; subnet: string; gateway: string; prefix: string };
  /** Hosts behind the bastion; the workstation has no way in. */
  private: { bridge: string; subnet: string; gateway: string; prefix: string };
}

/**
 * 172.28.0.0/16 is ours: the hosts' own dockerds skip address pools that overlap a route
 * they see, and swarm overlays default to 10.0.0.0/8, so neither collides with the lab.
 */
export function netPlan(slot: number): NetPlan {
  const a = 16 + slot * 2;
  const b = a + 1;
  return {
    main: { bridge: `sdlab${slot}m`, subnet: `172.28.${a}.0/24`, gateway: `172.28.${a}.1`, prefix: `172.28.${a}.` },
    private: { bridge: `sdlab${slot}p`, subnet: `172.28.${b}.0/24`, gateway: `172.28.${b}.1`, prefix: `172.28.${b}.` },
  };
}
