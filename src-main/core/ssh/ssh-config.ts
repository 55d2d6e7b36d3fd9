import { readdir, readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig, { LineType } from 'ssh-config';
import { globToRegExp } from './glob.js';

/** One `Host` entry of ~/.ssh/config, resolved as ssh(1) would resolve it. */
export interface SshConfigHost {
  alias: string;
  hostName: string;
  user: string;
  port: number;
  identityFile?: string;
  /** ProxyJump hops as written (`[user@]host[:port]`, or another alias), in order. */
  proxyJump: string[];
}

const MAX_INCLUDE_DEPTH = 16;

/**
 * Reads ~/.ssh/config (with its Includes) and lists the hosts it names
 * explicitly: wildcard and negated patterns are defaults, not hosts to import.
 */
export async function readSshConfig(path = join(homedir(), '.ssh', 'config')): Promise<SshConfigHost[]> {
  const text = await expandIncludes(path, dirname(path), 0);
  return hostsIn(SSHConfig.parse(text));
}

export function hostsIn(config: SSHConfig, localUser = userInfo().username): SshConfigHost[] {
  const aliases = new Set<string>();
  for (const line of config) {
    if (line.type !== LineType.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => (typeof v === 'string' ? v : v.val)) : String(line.value).split(/\s+/);
    for (const value of values) if (value && !/[*?!]/.test(value)) aliases.add(value);
  }
  return [...aliases].map((alias) => {
    const computed = config.compute(alias);
    const first = (key: string): string | undefined => {
      const value = computed[key];
      return Array.isArray(value) ? value[0] : value;
    };
    const identityFile = first('IdentityFile');
    const jump = first('ProxyJump');
    return {
      alias,
      hostName: first('HostName') ?? alias,
      user: first('User') ?? localUser,
      port: Number(first('Port') ?? 22),
      ...(identityFile ? { identityFile: expandHome(identityFile) } : {}),
      proxyJump: jump && jump.toLowerCase() !== 'none' ? jump.split(',').map((hop) => hop.trim()) : [],
    };
  });
}

/** Inlines `Include` lines (relative paths are under ~/.ssh, `*` globs in the file name), as ssh does. */
async function expandIncludes(path: string, sshDir: string, depth: number): Promise<string> {
  if (depth > MAX_INCLUDE_DEPTH) throw new Error(`Include nesting deeper than ${MAX_INCLUDE_DEPTH} at ${path}`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && depth > 0) return '';
    throw err;
  }
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*include\s*(=\s*)?(.+)$/i.exec(line);
    if (!match) {
      out.push(line);
      continue;
    }
    for (const pattern of (match[2] ?? '').trim().split(/\s+/)) {
      for (const file of await globFile(resolveIncludePath(pattern, sshDir))) out.push(await expandIncludes(file, sshDir, depth + 1));
    }
  }
  return out.join('\n');
}

function resolveIncludePath(pattern: string, sshDir: string): string {
  const expanded = expandHome(pattern);
  return isAbsolute(expanded) ? expanded : join(sshDir, expanded);
}

async function globFile(pattern: string): Promise<string[]> {
  const name = basename(pattern);
  if (!/[*?]/.test(name)) return [pattern];
  const dir = dirname(pattern);
  const regex = globToRegExp(name);
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries
    .filter((entry) => regex.test(entry))
    .sort()
    .map((entry) => join(dir, entry));
}

function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
