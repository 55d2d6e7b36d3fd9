import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual, type CipherGCM } from 'node:crypto';
import { CoreError } from '../errors.js';

/*
 * A .swarmbak file: a 48-byte header, the AES-256-GCM ciphertext, the 16-byte tag.
 *
 *   0  magic "SWDKBAK\n" (8)      16  salt (scrypt) or key id (keychain key) (16)
 *   8  version 1 (1)              32  IV (12)
 *   9  kdf: 1 keychain, 2 scrypt  44  reserved, zero (4)
 *  10  scrypt log2 N, r, p (3)
 *  13  reserved, zero (3)
 *
 * The whole header is the cipher's additional data, so a changed KDF parameter or IV fails the tag
 * like a changed byte of the body. The plaintext is a 4-byte big-endian length, a JSON object of the
 * secrets a restore needs with the tar (the swarm's unlock key at backup time: Docker's own advice is
 * to keep it with the backup), then the gzipped tar of /var/lib/docker/swarm.
 */

const MAGIC = Buffer.from('SWDKBAK\n', 'latin1');
const VERSION = 1;
const KDF_KEYCHAIN = 1;
const KDF_SCRYPT = 2;
export const HEADER_BYTES = 48;
const TAG_BYTES = 16;
const IV_BYTES = 12;
/** scrypt N = 2^17, r = 8: 128 MiB and a fraction of a second here, per open. */
export const DEFAULT_SCRYPT_LOG_N = 17;
const SCRYPT_R = 8;
const SCRYPT_P = 1;

export type SealKey = { kind: 'keychain'; key: Buffer } | { kind: 'passphrase'; passphrase: string; logN?: number };
export type OpenKey = { keychainKey: Buffer | null; passphrase: string | undefined };

/** What travels inside the ciphertext with the tar; never written anywhere in clear. */
export interface ArchiveSecrets {
  unlockKey: string | null;
}

export interface ArchiveHeader {
  kdf: 'keychain' | 'passphrase';
  logN: number;
  r: number;
  p: number;
  /** scrypt salt, or the keychain key's id. */
  salt: Buffer;
  iv: Buffer;
  raw: Buffer;
}

/** A random key for a cluster's keychain-kept backups. */
export function newBackupKey(): Buffer {
  return randomBytes(32);
}

/** Names a keychain key without revealing it: tells "another key" from "a damaged file" on open. */
export function keyId(key: Buffer): Buffer {
  return createHash('sha256').update('swarmdeck backup key id\0').update(key).digest().subarray(0, 16);
}

function deriveKey(passphrase: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    scrypt(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * Encrypts as the plaintext arrives: `update` for each chunk of secrets and tar, `final` for the
 * last block and the tag. The key is derived (scrypt) before anything is stopped on a host.
 */
export class ArchiveSealer {
  private constructor(
    readonly header: Buffer,
    private readonly cipher: CipherGCM,
  ) {}

  static async create(key: SealKey): Promise<ArchiveSealer> {
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header[8] = VERSION;
    const iv = randomBytes(IV_BYTES);
    iv.copy(header, 32);
    let aesKey: Buffer;
    if (key.kind === 'keychain') {
      if (key.key.length !== 32) throw new Error('a backup key is 32 bytes');
      header[9] = KDF_KEYCHAIN;
      keyId(key.key).copy(header, 16);
      aesKey = key.key;
    } else {
      const logN = key.logN ?? DEFAULT_SCRYPT_LOG_N;
      const salt = randomBytes(16);
      header[9] = KDF_SCRYPT;
      header[10] = logN;
      header[11] = SCRYPT_R;
      header[12] = SCRYPT_P;
      salt.copy(header, 16);
      aesKey = await deriveKey(key.passphrase, salt, logN, SCRYPT_R, SCRYPT_P);
    }
    const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
    cipher.setAAD(header);
    return new ArchiveSealer(header, cipher);
  }

  /** The length-prefixed secrets block, encrypted: the first plaintext of the body. */
  secrets(secrets: ArchiveSecrets): Buffer {
    const json = Buffer.from(JSON.stringify(secrets), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(json.length);
    return Buffer.concat([this.cipher.update(length), this.cipher.update(json)]);
  }

  update(plain: Buffer): Buffer {
    return this.cipher.update(plain);
  }

  final(): Buffer {
    return Buffer.concat([this.cipher.final(), this.cipher.getAuthTag()]);
  }
}

/** The whole file in memory, sealed at once (tests, and small archives). */
export async function sealArchive(key: SealKey, secrets: ArchiveSecrets, tar: Buffer): Promise<Buffer> {
  const sealer = await ArchiveSealer.create(key);
  return Buffer.concat([sealer.header, sealer.secrets(secrets), sealer.update(tar), sealer.final()]);
}

export function readHeader(file: Buffer, name: string): ArchiveHeader {
  if (file.length < HEADER_BYTES + TAG_BYTES + 4 || !file.subarray(0, 8).equals(MAGIC)) {
    throw unreadable(name, 'it is not a Swarmdeck backup file');
  }
  if (file[8] !== VERSION) throw unreadable(name, `it has format version ${file[8]}, which this version of Swarmdeck cannot read`);
  const kdf = file[9] === KDF_KEYCHAIN ? 'keychain' : file[9] === KDF_SCRYPT ? 'passphrase' : null;
  if (!kdf) throw unreadable(name, 'its header names an unknown key type');
  const [logN, r, p] = [file[10]!, file[11]!, file[12]!];
  // Bounds keep a crafted header from making scrypt allocate gigabytes.
  if (kdf === 'passphrase' && (logN < 10 || logN > 22 || r < 1 || r > 32 || p < 1 || p > 16)) {
    throw unreadable(name, 'its key-derivation parameters are out of range');
  }
  return {
    kdf,
    logN,
    r,
    p,
    salt: file.subarray(16, 32),
    iv: file.subarray(32, 32 + IV_BYTES),
    raw: file.subarray(0, HEADER_BYTES),
  };
}

/**
 * Decrypts a whole file. A wrong passphrase and a changed byte look the same to GCM (the tag does
 * not match): both are BACKUP_UNREADABLE. A keychain archive whose key is not the one given is
 * BACKUP_KEY_MISSING: the key it was made with is no longer in the keychain.
 */
export async function openArchive(file: Buffer, key: OpenKey, name: string): Promise<{ secrets: ArchiveSecrets; tar: Buffer }> {
  const header = readHeader(file, name);
  let aesKey: Buffer;
  if (header.kdf === 'keychain') {
    if (!key.keychainKey) throw keyMissing('this backup was encrypted with the cluster’s backup key, which is not in the keychain');
    if (!timingSafeEqual(keyId(key.keychainKey), header.salt)) {
      throw keyMissing('the backup key in the keychain is not the one this backup was made with');
    }
    aesKey = key.keychainKey;
  } else {
    if (!key.passphrase) throw unreadable(name, 'it is protected by a passphrase; type it to open the backup');
    aesKey = await deriveKey(key.passphrase, header.salt, header.logN, header.r, header.p);
  }
  const body = file.subarray(HEADER_BYTES, file.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', aesKey, header.iv);
  decipher.setAAD(header.raw);
  decipher.setAuthTag(file.subarray(file.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    const detail = header.kdf === 'passphrase' ? 'the passphrase is wrong, or the file was altered' : 'the file was altered or damaged';
    throw unreadable(name, detail);
  }
  const length = plain.readUInt32BE(0);
  if (4 + length > plain.length) throw unreadable(name, 'its content is malformed');
  const secrets = JSON.parse(plain.subarray(4, 4 + length).toString('utf8')) as ArchiveSecrets;
  return { secrets: { unlockKey: typeof secrets.unlockKey === 'string' ? secrets.unlockKey : null }, tar: plain.subarray(4 + length) };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function unreadable(file: string, detail: string): CoreError {
  return new CoreError('BACKUP_UNREADABLE', `The backup ${file} cannot be opened: ${detail}`, { params: { file, detail } });
}

export function keyMissing(detail: string): CoreError {
  return new CoreError('BACKUP_KEY_MISSING', `The backup key of this cluster is not in the keychain: ${detail}`, { params: { detail } });
}
