import { createPrivateKey } from 'node:crypto';
import { secretboxOpen } from './restore-secretbox.js';

// An autolocked manager's TLS key (/var/lib/docker/swarm/certificates/swarm-node.key) is a PEM
// encrypted with the unlock key, whose headers carry the raft data keys sealed with it too.
// Docker's `swarm unlock` cannot be used on a restored manager whose peers are gone: it waits for
// the node to find a leader while holding the lock that `swarm init --force-new-cluster` needs
// (moby#36852). So the key is unlocked here instead, as swarmkit itself writes it without
// autolock; the swarm's own autolock re-encrypts it once the node runs.

const RAFT_KEY_HEADERS = ['raft-dek', 'raft-dek-pending'];
// swarmkit's MaybeEncryptedRecord algorithms.
const NOT_ENCRYPTED = 0;
const NACL_SECRETBOX = 1;

export type NodeKeyResult = { ok: true; pem: string } | { ok: false; reason: 'wrong-key' | 'not-locked' | 'unsupported' };

/** `SWMKEY-1-<base64>` → the 32-byte key-encryption key, or null when it is not one. */
export function parseUnlockKey(humanKey: string): Buffer | null {
  const match = /^SWMKEY-1-([A-Za-z0-9+/]+=*)$/.exec(humanKey.trim());
  if (!match) return null;
  const key = Buffer.from(match[1]!, 'base64');
  return key.length === 32 ? key : null;
}

interface Pem {
  type: string;
  headers: [string, string][];
  body: string;
}

function parsePem(text: string): Pem | null {
  const match = /-----BEGIN ([A-Z ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!match) return null;
  const lines = match[2]!.split(/\r?\n/);
  const headers: [string, string][] = [];
  let i = 0;
  for (; i < lines.length && lines[i]!.includes(':'); i++) {
    const at = lines[i]!.indexOf(':');
    headers.push([lines[i]!.slice(0, at).trim(), lines[i]!.slice(at + 1).trim()]);
  }
  return { type: match[1]!, headers, body: lines.slice(i).join('\n').trim() };
}

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[at++];
    if (byte === undefined) throw new Error('truncated record');
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

function writeVarint(value: number): Buffer {
  const out: number[] = [];
  do {
    out.push((value & 0x7f) | (value > 0x7f ? 0x80 : 0));
    value = Math.floor(value / 128);
  } while (value > 0);
  return Buffer.from(out);
}

/** The fields of swarmkit's MaybeEncryptedRecord protobuf: 1 algorithm, 2 data, 3 nonce. */
function readRecord(buf: Buffer): { algorithm: number; data: Buffer; nonce: Buffer } {
  let at = 0;
  const record: { algorithm: number; data: Buffer; nonce: Buffer } = {
    algorithm: NOT_ENCRYPTED,
    data: Buffer.alloc(0),
    nonce: Buffer.alloc(0),
  };
  while (at < buf.length) {
    let tag: number;
    [tag, at] = readVarint(buf, at);
    const field = tag >>> 3;
    if ((tag & 7) === 0) {
      let value: number;
      [value, at] = readVarint(buf, at);
      if (field === 1) record.algorithm = value;
    } else if ((tag & 7) === 2) {
      let length: number;
      [length, at] = readVarint(buf, at);
      const bytes = buf.subarray(at, at + length);
      at += length;
      if (field === 2) record.data = bytes;
      if (field === 3) record.nonce = bytes;
    } else throw new Error('unexpected wire type');
  }
  return record;
}

/**
 * The node key as swarmkit writes it without autolock: the private key in clear PKCS#8, the raft
 * keys in clear records, and KEK version 0, so the swarm's current unlock key is taken as newer.
 */
export function unlockNodeKey(pemText: string, humanKey: string): NodeKeyResult {
  const pem = parsePem(pemText);
  const kek = parseUnlockKey(humanKey);
  if (!pem) return { ok: false, reason: 'unsupported' };
  const legacy = pem.headers.some(([k, v]) => k === 'Proc-Type' && v.includes('ENCRYPTED'));
  if (pem.type !== 'ENCRYPTED PRIVATE KEY' && !legacy) return { ok: false, reason: 'not-locked' };
  if (!kek) return { ok: false, reason: 'wrong-key' };
  const keep = legacy ? pem.headers.filter(([k]) => k === 'Proc-Type' || k === 'DEK-Info') : [];
  const encrypted = [
    `-----BEGIN ${pem.type}-----`,
    ...keep.map(([k, v]) => `${k}: ${v}`),
    ...(keep.length ? [''] : []),
    pem.body,
    `-----END ${pem.type}-----`,
    '',
  ].join('\n');
  let clear: string;
  try {
    clear = createPrivateKey({ key: encrypted, format: 'pem', passphrase: kek }).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch {
    return { ok: false, reason: 'wrong-key' };
  }
  const headers: [string, string][] = [['kek-version', '0']];
  for (const [name, value] of pem.headers) {
    if (name === 'kek-version' || name === 'Proc-Type' || name === 'DEK-Info') continue;
    if (!RAFT_KEY_HEADERS.includes(name)) {
      headers.push([name, value]);
      continue;
    }
    let record: ReturnType<typeof readRecord>;
    try {
      record = readRecord(Buffer.from(value, 'base64'));
    } catch {
      return { ok: false, reason: 'unsupported' };
    }
    let dek: Buffer | null = record.data;
    if (record.algorithm === NACL_SECRETBOX) dek = secretboxOpen(record.data, record.nonce, kek);
    else if (record.algorithm !== NOT_ENCRYPTED) return { ok: false, reason: 'unsupported' };
    if (!dek) return { ok: false, reason: 'wrong-key' };
    headers.push([name, Buffer.concat([Buffer.from([0x12]), writeVarint(dek.length), dek]).toString('base64')]);
  }
  const [begin, ...rest] = clear.trimEnd().split('\n');
  return { ok: true, pem: [begin, ...headers.map(([k, v]) => `${k}: ${v}`), '', ...rest, ''].join('\n') };
}
