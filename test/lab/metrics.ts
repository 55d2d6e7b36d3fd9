// Memory of a lab host, read from the cgroups of its container and of the containers its
// own dockerd runs (those sit under a separate parent, see hosts.ts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dockerMust } from './outer-docker.js';
import { CGROUP_PARENT, INNER_CGROUP_PARENT } from './paths.js';
import type { LabHost } from './types.js';

export interface HostMemory {
  host: string;
  /** Everything charged to the host (includes page cache). */
  usageBytes: number;
  /** Anonymous memory of its processes: what the host really costs in RAM. */
  rssBytes: number;
}

function readNumber(file: string): number {
  try {
    return Number.parseInt(readFileSync(file, 'utf8').trim(), 10) || 0;
  } catch {
    return 0;
  }
}

function statField(file: string, field: string): number {
  try {
    const m = new RegExp(`^${field} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return m?.[1] ? Number.parseInt(m[1], 10) : 0;
  } catch {
    return 0;
  }
}

function cgroupMemory(rel: string): { usage: number; rss: number } {
  const v1 = path.join('/sys/fs/cgroup/memory', rel);
  if (existsSync(v1)) {
    return { usage: readNumber(path.join(v1, 'memory.usage_in_bytes')), rss: statField(path.join(v1, 'memory.stat'), 'total_rss') };
  }
  const v2 = path.join('/sys/fs/cgroup', rel);
  return { usage: readNumber(path.join(v2, 'memory.current')), rss: statField(path.join(v2, 'memory.stat'), 'anon') };
}

export async function hostMemory(h: LabHost): Promise<HostMemory> {
  const id = (await dockerMust(['inspect', '-f', '{{.Id}}', h.container])).trim();
  const outer = cgroupMemory(path.join(CGROUP_PARENT, id));
  const inner = cgroupMemory(path.join(INNER_CGROUP_PARENT, h.container));
  return { host: h.name, usageBytes: outer.usage + inner.usage, rssBytes: outer.rss + inner.rss };
}
