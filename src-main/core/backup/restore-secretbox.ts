import { timingSafeEqual } from 'node:crypto';

// NaCl's secretbox (XSalsa20 + Poly1305), opening only: swarmkit seals a manager's raft key with it
// under the unlock key, and Node's crypto has neither Salsa20 nor a bare Poly1305.

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

const rotl = (v: number, c: number): number => ((v << c) | (v >>> (32 - c))) >>> 0;

/** 20 rounds of Salsa20 over the state, in place. */
function rounds(x: Uint32Array): void {
  const q = (a: number, b: number, c: number, d: number): void => {
    x[b]! ^= rotl((x[a]! + x[d]!) >>> 0, 7);
    x[c]! ^= rotl((x[b]! + x[a]!) >>> 0, 9);
    x[d]! ^= rotl((x[c]! + x[b]!) >>> 0, 13);
    x[a]! ^= rotl((x[d]! + x[c]!) >>> 0, 18);
  };
  for (let i = 0; i < 10; i++) {
    q(0, 4, 8, 12);
    q(5, 9, 13, 1);
    q(10, 14, 2, 6);
    q(15, 3, 7, 11);
    q(0, 1, 2, 3);
    q(5, 6, 7, 4);
    q(10, 11, 8, 9);
    q(15, 12, 13, 14);
  }
}

function state(key: Buffer, input16: Buffer): Uint32Array {
  const s = new Uint32Array(16);
  s[0] = SIGMA[0]!;
  s[5] = SIGMA[1]!;
  s[10] = SIGMA[2]!;
  s[15] = SIGMA[3]!;
  for (let i = 0; i < 4; i++) {
    s[1 + i] = key.readUInt32LE(i * 4);
    s[11 + i] = key.readUInt32LE(16 + i * 4);
    s[6 + i] = input16.readUInt32LE(i * 4);
  }
  return s;
}

function hsalsa20(key: Buffer, nonce16: Buffer): Buffer {
  const x = state(key, nonce16);
  rounds(x);
  const out = Buffer.alloc(32);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((w, i) => out.writeUInt32LE(x[w]!, i * 4));
  return out;
}

function xsalsa20Stream(key: Buffer, nonce: Buffer, length: number): Buffer {
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  const out = Buffer.alloc(length);
  const input = Buffer.alloc(16);
  nonce.copy(input, 0, 16, 24);
  for (let block = 0; block * 64 < length; block++) {
    input.writeUInt32LE(block, 8);
    const initial = state(subkey, input);
    const x = initial.slice();
    rounds(x);
    const bytes = Buffer.alloc(64);
    for (let i = 0; i < 16; i++) bytes.writeUInt32LE((x[i]! + initial[i]!) >>> 0, i * 4);
    bytes.copy(out, block * 64, 0, Math.min(64, length - block * 64));
  }
  return out;
}

const le = (bytes: Buffer): bigint => {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
};

function poly1305(key: Buffer, message: Buffer): Buffer {
  const p = (1n << 130n) - 5n;
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < message.length; i += 16) {
    const block = message.subarray(i, i + 16);
    acc = ((acc + le(block) + (1n << BigInt(8 * block.length))) * r) % p;
  }
  let tag = (acc + s) & ((1n << 128n) - 1n);
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) {
    out[i] = Number(tag & 0xffn);
    tag >>= 8n;
  }
  return out;
}

/** The plaintext of a NaCl secretbox (16-byte tag, then the ciphertext), or null when the key or the box is wrong. */
export function secretboxOpen(box: Buffer, nonce: Buffer, key: Buffer): Buffer | null {
  if (box.length < 16 || nonce.length !== 24 || key.length !== 32) return null;
  const cipher = box.subarray(16);
  const stream = xsalsa20Stream(key, nonce, 32 + cipher.length);
  if (!timingSafeEqual(poly1305(stream.subarray(0, 32), cipher), box.subarray(0, 16))) return null;
  const plain = Buffer.alloc(cipher.length);
  for (let i = 0; i < cipher.length; i++) plain[i] = cipher[i]! ^ stream[32 + i]!;
  return plain;
}
