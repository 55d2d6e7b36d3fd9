import { createHmac } from 'node:crypto';
import { globToRegExp } from './glob.js';
import type { HostKey } from './host-key.js';

/**
 * OpenSSH known_hosts, read the way ssh(1) reads it: comma-separated patterns
 * with `*`, `?` and `!negation`, hashed names (`|1|salt|hmac`), `[host]:port`
 * for ports other than 22, and the `@revoked` marker. `@cert-authority` lines
 * are kept but never match a plain host key.
 */
export interface KnownHostEntry {
  marker: '@revoked' | '@cert-authority' | null;
  patterns: string;
  keyType: string;
  keyBase64: string;
  /** The line as it was, so a file is rewritten without touching what we did not change. */
  raw: string;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? (fields.shift() as KnownHostEntry['marker']) : null;
    const [patterns, keyType, keyBase64] = fields;
    if (!patterns || !keyType || !keyBase64) continue;
    entries.push({ marker, patterns, keyType, keyBase64, raw });
  }
  return entries;
}

/** How ssh names a host in known_hosts: the bare name on port 22, `[name]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function entryMatchesHost(entry: KnownHostEntry, name: string): boolean {
  if (entry.patterns.startsWith('|1|')) return hashedMatches(entry.patterns, name);
  let matched = false;
  for (const pattern of entry.patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (globMatches(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function hashedMatches(hashed: string, name: string): boolean {
  const [, , salt, hash] = hashed.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function globMatches(pattern: string, name: string): boolean {
  // Host names compare without case, as ssh does.
  return globToRegExp(pattern, 'i').test(name);
}

export type KnownHostsVerdict =
  { status: 'known' } | { status: 'unknown' } | { status: 'changed'; knownFingerprints: string[] } | { status: 'revoked' };

/**
 * The verdict ssh(1) would reach: a revoked key is refused; a key listed for
 * this host is known; a host listed only with other keys has *changed*.
 */
export function verifyAgainst(
  entries: KnownHostEntry[],
  name: string,
  key: HostKey,
  fingerprintOfBase64: (b64: string) => string,
): KnownHostsVerdict {
  const keyBase64 = key.blob.toString('base64');
  if (entries.some((e) => e.marker === '@revoked' && e.keyBase64 === keyBase64)) return { status: 'revoked' };
  const forHost = entries.filter((e) => e.marker === null && entryMatchesHost(e, name));
  if (forHost.some((e) => e.keyBase64 === keyBase64)) return { status: 'known' };
  if (forHost.length === 0) return { status: 'unknown' };
  return { status: 'changed', knownFingerprints: forHost.map((e) => fingerprintOfBase64(e.keyBase64)) };
}

/** One line for our own file, with the host name hashed as `HashKnownHosts yes` would write it. */
export function formatEntry(name: string, key: HostKey, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash} ${key.type} ${key.blob.toString('base64')}`;
}
