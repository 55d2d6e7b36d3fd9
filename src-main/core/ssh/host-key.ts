import { createHash } from 'node:crypto';

/** The key type written inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) throw new Error('SSH key blob too short');
  const length = blob.readUInt32BE(0);
  if (length <= 0 || 4 + length > blob.length) throw new Error('SSH key blob malformed');
  return blob.subarray(4, 4 + length).toString('ascii');
}

/** `SHA256:…` exactly as `ssh-keygen -lf` prints it: base64 of the SHA-256 of the blob, unpadded. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export interface HostKey {
  type: string;
  blob: Buffer;
  fingerprint: string;
}

export function hostKeyFrom(blob: Buffer): HostKey {
  return { type: keyTypeOf(blob), blob, fingerprint: fingerprintOf(blob) };
}
