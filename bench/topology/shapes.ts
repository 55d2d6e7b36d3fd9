// Constants and small helpers for the synthetic swarm's Docker API objects.

/** The swarm's clock: every timestamp is relative to it, so runs are identical. */
export const NOW = Date.parse('2025-06-01T12:00:00Z');
export const GIB = 1024 ** 3;
export const ID = '0123456789abcdefghijklmnopqrstuvwxyz';
export const HEX = '0123456789abcdef';
export const WORDS = ['shop', 'blog', 'billing', 'search', 'metrics', 'auth', 'media', 'mail', 'chat', 'ads', 'crm', 'erp', 'geo', 'cdn'];
export const PARTS = ['api', 'web', 'worker', 'cache', 'db', 'queue', 'cron', 'proxy', 'ui', 'indexer', 'gateway', 'exporter', 'scheduler'];
export const PLUGINS = [
  ...['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'splunk', 'syslog'].map((Name) => ({ Type: 'Log', Name })),
  ...['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'].map((Name) => ({ Type: 'Network', Name })),
  { Type: 'Volume', Name: 'local' },
];
export const TRUST_ROOT = `-----BEGIN CERTIFICATE-----\n${'MIIBajCCARCgAwIBAgIUQ3vyS0a1x9Wc0K8M2q3n7Fh5pZ4wCgYIKoZIzj0EAwIw\n'.repeat(8)}-----END CERTIFICATE-----\n`;

/** mulberry32 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Docker's RFC 3339 with nanoseconds. */
export function at(agoMs: number, random: () => number): string {
  return new Date(NOW - agoMs).toISOString().replace('Z', `${Math.floor(random() * 1e6)}`.padStart(6, '0') + 'Z');
}

/** `GET /swarm`: the swarm's settings as a manager answers them. */
export function swarmInspect(id: string, version: { Index: number }, time: (agoMs: number) => string, publicKey: string): object {
  return {
    ID: id,
    ...{ Version: version, CreatedAt: time(90 * 86_400_000), UpdatedAt: time(86_400_000) },
    Spec: {
      ...{ Name: 'default', Labels: {}, Orchestration: { TaskHistoryRetentionLimit: 5 } },
      ...{ Raft: { SnapshotInterval: 10000, KeepOldSnapshots: 0, LogEntriesForSlowFollowers: 500, ElectionTick: 10, HeartbeatTick: 1 } },
      ...{ Dispatcher: { HeartbeatPeriod: 5e9 }, CAConfig: { NodeCertExpiry: 7776000e9 }, TaskDefaults: {} },
      EncryptionConfig: { AutoLockManagers: true },
    },
    TLSInfo: { TrustRoot: TRUST_ROOT, CertIssuerSubject: 'MBMxETAPBgNVBAMTCHN3YXJtLWNh', CertIssuerPublicKey: publicKey },
    ...{ RootRotationInProgress: false, DataPathPort: 4789, DefaultAddrPool: ['10.0.0.0/8'], SubnetSize: 24 },
  };
}
