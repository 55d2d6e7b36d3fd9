import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BackupCheck, BackupProgress, BackupRecord, BackupState, Result, TopologySnapshot } from '../../contract.js';
import { hostInput, lab, LAB_IMAGES } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { memoryLogger, testCore } from '../../../test/support/core.js';
import { startPrivateKeyring, type PrivateKeyring } from '../../../test/support/private-keyring.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';
import { KeytarKeychain } from '../keychain/keytar-keychain.js';
import { openArchive } from './archive-format.js';
import { backupKeyAccount } from './backup-keys.js';

// Backups of a 3-manager autolocked swarm through the contract: a manager other than the leader is
// stopped, archived over SSH, started and unlocked again; the archive opens and holds the raft and
// certificates; no secret reaches a file, the activity log or an event; a stop that would lose quorum
// is refused; retention keeps the newest.
describeLab('swarm backups', () => {
  let dir: string;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let keyring: PrivateKeyring;
  let core: Core;
  let clusterId: string;
  let unlockKey: string;
  const saved = { ...process.env };
  const logger = memoryLogger();
  const events: { event: string; payload: unknown; at: number }[] = [];
  const keychain = new KeytarKeychain();

  const ok = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  const progress = () => events.filter((e) => e.event === 'backups:progress').map((e) => e.payload as BackupProgress);
  /** Seconds each step of the last run took, from its `running` event to its end. */
  const stepTimes = (): string => {
    const all = events.filter((e) => e.event === 'backups:progress');
    const from = all
      .map((e) => e.payload as BackupProgress)
      .lastIndexOf(progress().findLast((p) => p.step === 'check' && p.state === 'running')!);
    const started = new Map<string, number>();
    const out: string[] = [];
    for (const e of all.slice(from)) {
      const p = e.payload as BackupProgress;
      if (p.state === 'running') started.set(p.step, e.at);
      else if (started.has(p.step)) out.push(`${p.step} ${((e.at - started.get(p.step)!) / 1000).toFixed(1)} s`);
    }
    return out.join(', ');
  };
  const m1 = () => lab.managers[0]!.name;
  const localState = async (host: string) =>
    (await lab.swarm.docker(host, ['info', '--format', '{{.Swarm.LocalNodeState}}'])).stdout.trim();
  const tarEntries = (tar: Buffer): string[] =>
    execFileSync('tar', ['-tzf', '-'], { input: tar, maxBuffer: 64 << 20 })
      .toString()
      .split('\n');

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    dataDir = join(dir, 'data');
    keyring = await startPrivateKeyring();
    Object.assign(process.env, keyring.env);
    await lab.up({ managers: 3, workers: 0, passwordHost: false });
    await lab.swarm.form();
    await lab.swarm.docker(m1(), ['swarm', 'update', '--autolock=true']);
    unlockKey = (await lab.swarm.docker(m1(), ['swarm', 'unlock-key', '-q'])).stdout.trim();
    expect(unlockKey).toMatch(/^SWMKEY-1-/);
    for (const [name, replicas] of [
      ['web', '3'],
      ['worker', '2'],
    ] as const) {
      const r = await lab.swarm.docker(m1(), [
        'service',
        'create',
        '--detach',
        '--name',
        name,
        '--replicas',
        replicas,
        '--no-resolve-image',
        LAB_IMAGES.service,
        'sh',
        '-c',
        'while true; do sleep 5; done',
      ]);
      expect(r.code).toBe(0);
    }
    core = await testCore(dataDir, logger, { keychain });
    core.events.subscribe((event, payload) => {
      events.push({ event, payload, at: Date.now() });
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
    });
    for (const h of lab.managers) ok(await core.dispatch('hosts.save', hostInput(h)));
    clusterId = ok<{ id: string }>(await core.dispatch('clusters.adopt', { name: 'lab', via: m1(), mapping: {} })).id;
  });
  afterAll(async () => {
    await lab.down();
    for (const key of Object.keys(keyring?.env ?? {})) process.env[key] = saved[key];
    await keyring?.stop();
    await cleanup();
  });

  it('backs up through a non-leader manager of an autolocked swarm, which comes back unlocked and Reachable', async () => {
    const leader = await lab.swarm.leader(m1());
    // The health panel says there is no backup yet (read once per model; the list is read on first use).
    const healthCodes = async (): Promise<string[]> => {
      const snapshot = ok<TopologySnapshot>(await core.dispatch('topology.watch', { clusterId }));
      ok(await core.dispatch('topology.unwatch', { clusterId }));
      return snapshot.health.warnings.map((w) => w.code);
    };
    await expect.poll(healthCodes, { timeout: 30_000 }).toContain('BACKUP_MISSING');
    const check = ok<BackupCheck>(await core.dispatch('backups.check', { clusterId }));
    expect(check).toMatchObject({ refused: null, warnings: [], autolock: true });
    expect(check.node?.hostname).not.toBe(leader);

    const record = ok<BackupRecord>(
      await core.dispatch('backups.run', { clusterId, acknowledgeSingleManager: false, encryption: 'keychain' }),
    );
    console.info(
      `backup: ${(record.durationMs / 1000).toFixed(1)} s end to end, archive ${record.bytes} bytes (3 managers, 2 services, autolock); ${stepTimes()}`,
    );
    expect(record).toMatchObject({ clusterId, node: check.node!, encryption: 'keychain', managers: 3, autolock: true });
    expect(record.node.hostname).not.toBe(leader);
    await expect.poll(healthCodes, { timeout: 30_000 }).not.toContain('BACKUP_MISSING');
    expect(await healthCodes()).not.toContain('BACKUP_STALE');
    const steps = progress()
      .filter((p) => p.state !== 'running')
      .map((p) => `${p.step}=${p.state}`);
    expect(steps).toEqual([
      'check=done',
      'unlock-key=done',
      'stop=done',
      'archive=done',
      'start=done',
      'unlock=done',
      'reachable=done',
      'encrypt=done',
      'retention=skipped',
    ]);

    // The stopped manager is back: unlocked, and the swarm sees all three Ready with a leader.
    expect(await localState(record.node.host)).toBe('active');
    const nodes = await lab.swarm.waitReady(m1(), 3);
    expect(nodes.filter((n) => n.managerStatus === 'Reachable' || n.managerStatus === 'Leader')).toHaveLength(3);

    // The archive, opened with the key from the keychain: the swarm folder with raft and certificates.
    const file = await readFile(record.file);
    expect((await stat(record.file)).mode & 0o777).toBe(0o600);
    const stored = await keychain.get(backupKeyAccount(clusterId));
    expect(stored).toBeTruthy();
    const opened = await openArchive(file, { keychainKey: Buffer.from(stored!, 'base64'), passphrase: undefined }, record.id);
    expect(opened.secrets.unlockKey).toBe(unlockKey);
    const entries = tarEntries(opened.tar);
    expect(entries).toEqual(expect.arrayContaining(['swarm/raft/', 'swarm/certificates/']));
    expect(entries.some((e) => e.startsWith('swarm/raft/wal-'))).toBe(true);

    // The manifest beside it: the record, no secret.
    const manifest = JSON.parse(await readFile(join(dataDir, 'backups', clusterId, `${record.id}.json`), 'utf8')) as BackupRecord;
    expect(manifest).toEqual(record);
    const swarmId = (await lab.swarm.docker(m1(), ['info', '--format', '{{.Swarm.Cluster.ID}}'])).stdout.trim();
    expect(manifest.swarmId).toBe(swarmId);
    expect(manifest.dockerVersion).toMatch(/^\d+\.\d+/);

    const activity = ok<{ action: string; result: string; detail: string }[]>(await core.dispatch('activity.list', { cluster: 'lab' }));
    expect(activity.filter((e) => e.action.startsWith('back up the swarm state'))).toMatchObject([{ result: 'ok' }]);
    const state = ok<BackupState>(await core.dispatch('backups.get', { clusterId }));
    expect(state).toMatchObject({ running: false, lastFailure: null, nextAt: null });
    expect(state.backups.map((b) => b.id)).toEqual([record.id]);
  });

  it('keeps only the newest archive with keep=1; a passphrase archive opens with it and with nothing else', async () => {
    const configured = ok<BackupState>(await core.dispatch('backups.configure', { clusterId, schedule: { everyHours: null, keep: 1 } }));
    expect(configured.schedule).toEqual({ everyHours: null, keep: 1 });
    const [first] = configured.backups;
    const passphrase = 'a long backup passphrase';
    const record = ok<BackupRecord>(
      await core.dispatch('backups.run', { clusterId, acknowledgeSingleManager: false, encryption: 'passphrase', passphrase }),
    );
    console.info(`backup (passphrase): ${(record.durationMs / 1000).toFixed(1)} s, archive ${record.bytes} bytes; ${stepTimes()}`);
    expect(progress().at(-1)).toMatchObject({ step: 'retention', state: 'done', detail: first!.id });
    const state = ok<BackupState>(await core.dispatch('backups.get', { clusterId }));
    expect(state.backups.map((b) => b.id)).toEqual([record.id]);
    const files = await readdir(join(dataDir, 'backups', clusterId));
    expect(files.sort()).toEqual([`${record.id}.json`, `${record.id}.swarmbak`]);
    const file = await readFile(record.file);
    const opened = await openArchive(file, { keychainKey: null, passphrase }, record.id);
    expect(tarEntries(opened.tar)).toEqual(expect.arrayContaining(['swarm/raft/', 'swarm/certificates/']));
    await expect(openArchive(file, { keychainKey: null, passphrase: `${passphrase}!` }, record.id)).rejects.toMatchObject({
      code: 'BACKUP_UNREADABLE',
    });
    await lab.swarm.waitReady(m1(), 3);

    ok(await core.dispatch('backups.remove', { clusterId, backupId: record.id }));
    expect(await readdir(join(dataDir, 'backups', clusterId))).toEqual([]);
  });

  it('never writes the unlock key, the backup key or the passphrase in clear: data dir, activity, events, logs', async () => {
    const backupKey = (await keychain.get(backupKeyAccount(clusterId)))!;
    const secrets = [unlockKey, backupKey, Buffer.from(backupKey, 'base64').toString('hex'), 'a long backup passphrase'];
    const files: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const entry of await readdir(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory()) await walk(path);
        else files.push(path);
      }
    };
    await walk(dataDir);
    expect(files.length).toBeGreaterThan(2);
    for (const path of files) {
      const text = (await readFile(path)).toString('latin1');
      for (const secret of secrets) expect(text.includes(secret), `${secret.slice(0, 6)}… in ${path}`).toBe(false);
    }
    const seen = JSON.stringify(events) + logger.lines.join('\n');
    for (const secret of secrets) expect(seen.includes(secret)).toBe(false);
  });

  it('refuses a backup that would lose quorum, and stops nothing', async () => {
    const leader = (await lab.swarm.leader(m1()))!;
    const [down, other] = lab.managers.map((h) => h.name).filter((n) => n !== leader);
    await lab.stop(down!);
    await expect
      .poll(async () => (await lab.swarm.nodes(leader)).find((n) => n.hostname === down)?.managerStatus, {
        timeout: 120_000,
        interval: 1000,
      })
      .toBe('Unreachable');

    const check = ok<BackupCheck>(await core.dispatch('backups.check', { clusterId }));
    expect(check.node).toBeNull();
    expect(check.refused).toMatchObject({ code: 'BACKUP_REFUSED' });
    expect(check.refused?.params?.reason).toMatch(new RegExp(`stopping ${other} would leave 1 of 3 managers reachable.*quorum needs 2`));
    const run = await core.dispatch('backups.run', { clusterId, acknowledgeSingleManager: false, encryption: 'keychain' });
    expect(run).toMatchObject({ ok: false, error: { code: 'BACKUP_REFUSED' } });
    expect(progress().at(-1)).toMatchObject({ step: 'check', state: 'failed' });
    // Nothing was stopped: the other manager is still in the swarm, and the failure is kept.
    expect(await localState(other!)).toBe('active');
    const state = ok<BackupState>(await core.dispatch('backups.get', { clusterId }));
    expect(state.lastFailure?.error.code).toBe('BACKUP_REFUSED');
    await lab.start(down!);
  });
});
