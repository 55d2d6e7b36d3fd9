import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CoreError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { SerialQueue } from '../util/serial-queue.js';
import { fingerprintOf, type HostKey } from './host-key.js';
import { entryMatchesHost, formatEntry, knownHostsName, parseKnownHosts, verifyAgainst, type KnownHostsVerdict } from './known-hosts.js';

export interface HostKeyStoreOptions {
  /** The app's own known_hosts (read and written). */
  appFile: string;
  /** The operator's known_hosts files, read only; `~/.ssh/known_hosts` by default. */
  userFiles?: string[];
}

/**
 * Host-key trust: the app's own known_hosts plus, read only, the operator's.
 * Re-read on every check, so an entry removed with `ssh-keygen -R` counts at once.
 */
export class HostKeyStore {
  private readonly appFile: string;
  private readonly userFiles: string[];
  private readonly writes = new SerialQueue();

  constructor(options: HostKeyStoreOptions) {
    this.appFile = options.appFile;
    this.userFiles = options.userFiles ?? [join(homedir(), '.ssh', 'known_hosts')];
  }

  async verify(host: string, port: number, key: HostKey): Promise<KnownHostsVerdict> {
    const texts = await Promise.all([this.appFile, ...this.userFiles].map(readIfExists));
    const entries = texts.flatMap((text) => parseKnownHosts(text));
    return verifyAgainst(entries, knownHostsName(host, port), key, (b64) => fingerprintOf(Buffer.from(b64, 'base64')));
  }

  /** Remembers a key the operator accepted; refuses if the host already has another key (remove it first). */
  trust(host: string, port: number, key: HostKey): Promise<void> {
    return this.writes.run(async () => {
      const verdict = await this.verify(host, port, key);
      if (verdict.status === 'known') return;
      if (verdict.status !== 'unknown') {
        throw new CoreError('HOST_KEY_CHANGED', `Host key for ${host}:${port} differs from the one on record`, {
          params: { host, port: String(port) },
        });
      }
      const text = await readIfExists(this.appFile);
      const line = formatEntry(knownHostsName(host, port), key, randomBytes(20));
      await writeFileAtomic(this.appFile, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`);
    });
  }

  /**
   * Forgets this host's keys in the app's file. Keys in the operator's own
   * known_hosts are theirs to remove (`ssh-keygen -R`); the result says whether any remain.
   */
  forget(host: string, port: number): Promise<{ removed: number; remainingInUserFiles: number }> {
    return this.writes.run(async () => {
      const name = knownHostsName(host, port);
      const text = await readIfExists(this.appFile);
      const lines = text.split('\n');
      const kept = lines.filter((line) => {
        const [entry] = parseKnownHosts(line);
        return !(entry && entry.marker === null && entryMatchesHost(entry, name));
      });
      const removed = lines.length - kept.length;
      if (removed > 0) await writeFileAtomic(this.appFile, kept.join('\n'));
      const userTexts = await Promise.all(this.userFiles.map(readIfExists));
      const remainingInUserFiles = userTexts
        .flatMap((t) => parseKnownHosts(t))
        .filter((e) => e.marker === null && entryMatchesHost(e, name)).length;
      return { removed, remainingInUserFiles };
    });
  }
}

async function readIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}
