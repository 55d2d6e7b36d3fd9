import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createServer } from 'node:https';
import { connect } from 'node:tls';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcryptjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CA_VALID_DAYS,
  createCa,
  htpasswdLine,
  issueServerCertificate,
  reusableCa,
  type RegistryCa,
  SERVER_VALID_DAYS,
  subjectAltNames,
} from './registry-certs.js';

// RSA key generation and forge's signing take seconds on a busy two-core machine.
describe('registry certificates', { timeout: 60_000 }, () => {
  let ca: RegistryCa;
  let other: RegistryCa;
  beforeAll(async () => {
    [ca, other] = await Promise.all([createCa('lab'), createCa('other')]);
  });

  it('makes a CA that may sign server certificates only, valid for ten years', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain('Swarmdeck registry CA (lab)');
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(CA_VALID_DAYS);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });

  it('issues a server certificate with the node addresses and names as SANs, signed by the CA', async () => {
    const server = await issueServerCertificate(ca, ['172.28.16.10', 'Manager1', 'registry.lab', '172.28.16.10']);
    const cert = new X509Certificate(server.certPem);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('IP Address:172.28.16.10, DNS:manager1, DNS:registry.lab');
    expect(cert.checkIP('172.28.16.10')).toBe('172.28.16.10');
    expect(cert.checkHost('registry.lab')).toBe('registry.lab');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(Math.round((server.expires.getTime() - Date.now()) / 86_400_000)).toBe(SERVER_VALID_DAYS);
  });

  it('is trusted in a real TLS handshake by a client that holds only the CA', async () => {
    const issued = await issueServerCertificate(ca, ['127.0.0.1', 'localhost']);
    const server = createServer({ cert: issued.certPem, key: issued.keyPem }, (_req, res) => res.end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const handshake = (options: { ca: string; servername?: string }): Promise<boolean> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, ...options }, () => {
          resolve(socket.authorized);
          socket.end();
        });
        socket.once('error', reject);
      });
    try {
      expect(await handshake({ ca: ca.certPem })).toBe(true);
      expect(await handshake({ ca: ca.certPem, servername: 'localhost' })).toBe(true);
      // Another CA (another cluster's) is not trusted.
      await expect(handshake({ ca: other.certPem })).rejects.toThrow(/self.signed|unable to verify|certificate/i);
      await expect(handshake({ ca: ca.certPem, servername: 'elsewhere.example' })).rejects.toThrow(/altnames|Hostname/i);
    } finally {
      server.close();
    }
  });

  it('reuses a kept CA only with its own key and while it outlives a new server certificate', () => {
    expect(reusableCa(ca.certPem, ca.keyPem)).toEqual(ca);
    expect(reusableCa(ca.certPem, null)).toBeNull();
    expect(reusableCa(null, ca.keyPem)).toBeNull();
    expect(reusableCa(ca.certPem, other.keyPem)).toBeNull();
    expect(reusableCa(ca.certPem, ca.keyPem, Date.now() + (CA_VALID_DAYS - SERVER_VALID_DAYS + 1) * 86_400_000)).toBeNull();
    expect(reusableCa('not a certificate', ca.keyPem)).toBeNull();
  });

  it('splits IP literals from names, IPv6 in brackets too', () => {
    expect(subjectAltNames(['[fd00::1]', 'fd00::1', 'Host', ' '])).toEqual([
      { type: 7, ip: 'fd00::1' },
      { type: 2, value: 'host' },
    ]);
  });

  it('writes a bcrypt htpasswd line the password verifies against', () => {
    const line = htpasswdLine('deploy', 'correct horse battery');
    const [user, hash] = line.trim().split(':');
    expect(user).toBe('deploy');
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    expect(bcrypt.compareSync('correct horse battery', hash!)).toBe(true);
    expect(bcrypt.compareSync('wrong', hash!)).toBe(false);
  });
});
