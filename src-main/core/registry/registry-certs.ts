import { createPrivateKey, generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { isIP } from 'node:net';
import bcrypt from 'bcryptjs';
import forge from 'node-forge';

const DAY_MS = 86_400_000;
/** The CA outlives many server certificates: re-issuing one must not mean copying a new CA to every node. */
export const CA_VALID_DAYS = 3650;
/** Two years: long enough not to be a chore, short enough that a leaked key does not last. */
export const SERVER_VALID_DAYS = 730;

export interface RegistryCa {
  certPem: string;
  keyPem: string;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  expires: Date;
}

/**
 * Keys come from Node's own crypto (native and fast); node-forge only builds and signs the
 * X.509 structures, which Node cannot do. RSA: forge signs nothing else, and every Docker reads it.
 */
async function rsaKeys(bits: number): Promise<{ publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; keyPem: string }> {
  // Off the main thread: the core's event loop keeps serving the window meanwhile.
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    keyPem: privateKey,
  };
}

// A positive serial (top bit clear) of 16 random bytes, as RFC 5280 asks for.
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number, now: Date): void {
  // An hour back: a node whose clock is a little behind must not see a certificate from the future.
  cert.validity.notBefore = new Date(now.getTime() - 3_600_000);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
}

export async function createCa(name: string, now = new Date()): Promise<RegistryCa> {
  const keys = await rsaKeys(3072);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, CA_VALID_DAYS, now);
  const subject = [
    { name: 'commonName', value: `Swarmdeck registry CA (${name})` },
    { name: 'organizationName', value: 'Swarmdeck' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

/** Subject alternative names: IP literals as IP entries, the rest as DNS names; duplicates dropped. */
export function subjectAltNames(names: readonly string[]): { type: 2 | 7; value?: string; ip?: string }[] {
  const unique = [...new Set(names.map((n) => n.trim().replace(/^\[|\]$/g, '')).filter((n) => n.length > 0))];
  return unique.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n.toLowerCase() }));
}

/** The registry's server certificate, signed by the CA; Docker checks the SANs only (not the CN). */
export async function issueServerCertificate(ca: RegistryCa, names: readonly string[], now = new Date()): Promise<ServerCertificate> {
  const sans = subjectAltNames(names);
  if (sans.length === 0) throw new Error('a server certificate needs at least one name');
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = await rsaKeys(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, SERVER_VALID_DAYS, now);
  const first = sans[0]!;
  cert.setSubject([{ name: 'commonName', value: first.ip ?? first.value ?? 'registry' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: sans },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem, expires: cert.validity.notAfter };
}

/** A CA with less than this left is replaced on the next deploy rather than signing a certificate that outlives it. */
const CA_RENEW_MS = SERVER_VALID_DAYS * DAY_MS;

/** The kept CA, when its key (from the keychain) matches its certificate and it outlives a new server certificate. */
export function reusableCa(certPem: string | null | undefined, keyPem: string | null, now = Date.now()): RegistryCa | null {
  if (!certPem || !keyPem) return null;
  try {
    const cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return null;
    if (Date.parse(cert.validTo) - now < CA_RENEW_MS) return null;
    return { certPem, keyPem };
  } catch {
    return null;
  }
}

/** One htpasswd line with a bcrypt hash: the only kind Docker's registry accepts. */
export function htpasswdLine(username: string, password: string): string {
  return `${username}:${bcrypt.hashSync(password, 10)}\n`;
}
