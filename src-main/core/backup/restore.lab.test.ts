import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BackupRecord, ClusterProfile, RestoreCheck, RestoreOutcome, RestoreProgress, Result } from '../../contract.js';
import { hostInput, lab, LAB_IMAGES } from '../../../test/lab/index.js';
import { describeLab } from '../../../test/lab/suite.js';
import { memoryLogger, testCore } from '../../../test/support/core.js';
import { startPrivateKeyring, type PrivateKeyring } from '../../../test/support/private-keyring.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';
import { KeytarKeychain } from '../keychain/keytar-keychain.js';

// The issue's scenario: a backup of a 3-manager autolocked swarm with services and a secret, then
// every manager stopped, a restore onto a fresh host, the services back, two fresh hosts re-added
// as managers. The lab's own CLI is the judge; no secret may reach a file, the log or an event.
describeLab('swarm restore', () => {
  let dir: string;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let keyring: PrivateKeyring;
  let core: Core;
  let clusterId: string;
  let record: BackupRecord;
  let oldUnlockKey: string;
  let managerToken: string;
  const passphrase = 'restore lab passphrase';
  const secretValue = 'restore-lab-secret-value';
  const before: { swarmId: string; services: string[]; secrets: string[] } = { swarmId: '', services: [], secrets: [] };
  const saved = { ...process.env };
  const logger = memoryLogger();
  const events: { event: string; payload: unknown }[] = [];
  const keychain = new KeytarKeychain();

  const ok = <T>(result: Result<unknown>): T => {
    if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
    return result.value as T;
  };
  const m1 = () => lab.managers[0]!.name;
  const [target, spareA, spareB] = [() => lab.workers[0]!.name, () => lab.workers[1]!.name, () => lab.workers[2]!.name];
  const cli = async (host: string, args: string[]): Promise<string> => {
    const r = await lab.swarm.docker(host, args);
    if (r.code !== 0) throw new Error(`${host}: docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const lines = (text: string): string[] => text.split('\n').filter(Boolean).sort();

  beforeAll(async () => {
    ({ dir, cleanup } = await makeTempDir());
    dataDir = join(dir, 'data');
    keyring = await startPrivateKeyring();
    Object.assign(process.env, keyring.env);
    // Three managers in a swarm; the three workers stay fresh: the restore target and two spares.
    await lab.up({ managers: 3, workers: 3, passwordHost: false });
    await lab.swarm.form(lab.managers);
    await cli(m1(), ['swarm', 'update', '--autolock=true']);
    oldUnlockKey = await cli(m1(), ['swarm', 'unlock-key', '-q']);
    managerToken = await cli(m1(), ['swarm', 'join-token', '-q', 'manager']);
    for (const [name, replicas] of [
      ['web', '2'],
      ['jobs', '1'],
    ] as const) {
      await cli(m1(), [
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
    }
    const created = await lab.exec(m1(), ['sh', '-c', `printf %s ${secretValue} | docker secret create app-secret -`]);
    expect(created.code).toBe(0);
    before.swarmId = await cli(m1(), ['info', '--format', '{{.Swarm.Cluster.ID}}']);
    before.services = lines(await cli(m1(), ['service', 'ls', '--format', '{{.ID}} {{.Name}}']));
    before.secrets = lines(await cli(m1(), ['secret', 'ls', '--format', '{{.ID}} {{.Name}}']));

    core = await testCore(dataDir, logger, { keychain });
    core.events.subscribe((event, payload) => {
      events.push({ event, payload });
      if (event === 'prompt:hostKey')
        void core.dispatch('prompts.answerHostKey', { promptId: (payload as { promptId: string }).promptId, accept: true });
    });
    for (const h of lab.hosts) ok(await core.dispatch('hosts.save', hostInput(h)));
    clusterId = ok<{ id: string }>(await core.dispatch('clusters.adopt', { name: 'lab', via: m1(), mapping: {} })).id;
    record = ok<BackupRecord>(
      await core.dispatch('backups.run', { clusterId, acknowledgeSingleManager: false, encryption: 'passphrase', passphrase }),
    );
    expect(record).toMatchObject({ swarmId: before.swarmId, autolock: true, managers: 3 });
    // The disaster: every manager's Docker stopped.
    await Promise.all(lab.managers.map((m) => lab.exec(m.name, ['systemctl', 'stop', 'docker', 'docker.socket'])));
  });
  afterAll(async () => {
    await lab.down();
    for (const key of Object.keys(keyring?.env ?? {})) process.env[key] = saved[key];
    await keyring?.stop();
    await cleanup();
  });

  it('refuses a wrong passphrase at the check, before anything is read from the host', async () => {
    const result = await core.dispatch('restore.check', {
      clusterId,
      backupId: record.id,
      host: target(),
      passphrase: 'not the passphrase',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('BACKUP_UNREADABLE');
  });

  it('changes nothing when the confirmation is not the host name', async () => {
    const result = await core.dispatch('restore.run', {
      clusterId,
      backupId: record.id,
      host: target(),
      passphrase,
      managers: [spareA(), spareB()],
      confirm: target().toUpperCase(),
    });
    expect(!result.ok && result.error).toMatchObject({ code: 'RESTORE_NOT_CONFIRMED', params: { host: target() } });
    expect(await cli(target(), ['info', '--format', '{{.Swarm.LocalNodeState}}'])).toBe('inactive');
    const listed = await lab.exec(target(), ['sh', '-c', 'ls -d /var/lib/docker/swarm.before-restore-* 2>/dev/null | wc -l']);
    expect(listed.stdout.trim()).toBe('0');
    expect(events.some((e) => e.event === 'restore:step')).toBe(false);
  });

  it('restores onto a fresh host: same swarm, services and secret, 3 managers, a new unlock key', async () => {
    const check = ok<RestoreCheck>(await core.dispatch('restore.check', { clusterId, backupId: record.id, host: target(), passphrase }));
    expect(check.current).toMatchObject({ swarmId: null, nodeId: null, role: null, containers: 0 });
    expect(check.steps).toEqual([
      'open',
      'stop',
      'replace',
      'unlock',
      'start',
      'force-new-cluster',
      'services',
      'rotate-unlock-key',
      'add-managers',
    ]);
    // The stopped managers and the target itself are no candidates.
    expect(check.candidates.sort()).toEqual([spareA(), spareB()].sort());

    const started = Date.now();
    const result = await core.dispatch('restore.run', {
      clusterId,
      backupId: record.id,
      host: target(),
      passphrase,
      managers: [spareA(), spareB()],
      confirm: target(),
    });
    if (!result.ok) {
      const log = await lab.exec(target(), ['sh', '-c', 'journalctl -u docker --no-pager | grep -v level=debug | cut -c1-300 | tail -60']);
      console.info(`restore failed; Docker's log on ${target()}:\n${log.stdout}`);
    }
    const outcome = ok<RestoreOutcome>(result);
    console.info(`restore: onto a fresh host with 2 managers re-added in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const steps = events.filter((e) => e.event === 'restore:step').map((e) => e.payload as RestoreProgress);
    console.info(`restore steps: ${steps.map((s) => `${s.step}=${s.state}${s.detail ? ` (${s.detail})` : ''}`).join('; ')}`);
    expect(outcome).toEqual({ clusterId, services: 2, managers: [target(), spareA(), spareB()] });
    expect(steps.filter((s) => s.state === 'failed')).toEqual([]);

    // The lab's own CLI on the restored host: the same swarm and objects.
    expect(await cli(target(), ['info', '--format', '{{.Swarm.Cluster.ID}}'])).toBe(before.swarmId);
    expect(lines(await cli(target(), ['service', 'ls', '--format', '{{.ID}} {{.Name}}']))).toEqual(before.services);
    expect(lines(await cli(target(), ['secret', 'ls', '--format', '{{.ID}} {{.Name}}']))).toEqual(before.secrets);
    const nodes = await lab.swarm.waitReady(target(), 3);
    expect(nodes.map((n) => n.hostname).sort()).toEqual([target(), spareA(), spareB()].sort());
    expect(nodes.map((n) => n.managerStatus).sort()).toEqual(['Leader', 'Reachable', 'Reachable']);
    // The restored manager advertises its own address to the swarm, not the backup node's.
    const targetAddr = lab.workers[0]!.address;
    expect(await cli(spareB(), ['node', 'inspect', target(), '--format', '{{.ManagerStatus.Addr}}'])).toBe(`${targetAddr}:2377`);
    // The old swarm folder was moved aside, not deleted.
    const aside = await lab.exec(target(), ['sh', '-c', 'ls -d /var/lib/docker/swarm.before-restore-*']);
    expect(aside.code).toBe(0);

    // Autolock is on again with a new key, kept in the keychain; the node key is encrypted again.
    expect(await cli(target(), ['info', '--format', '{{.Swarm.Cluster.Spec.EncryptionConfig.AutoLockManagers}}'])).toBe('true');
    const newKey = await cli(target(), ['swarm', 'unlock-key', '-q']);
    expect(newKey).toMatch(/^SWMKEY-1-/);
    expect(newKey).not.toBe(oldUnlockKey);
    expect(await keychain.get(`swarm-unlock-key:${before.swarmId}`)).toBe(newKey);
    await expect
      .poll(async () => (await lab.exec(target(), ['head', '-1', '/var/lib/docker/swarm/certificates/swarm-node.key'])).stdout.trim(), {
        timeout: 60_000,
      })
      .toBe('-----BEGIN ENCRYPTED PRIVATE KEY-----');

    // The profile now reaches the restored swarm through the restored node and the new managers.
    const profile = ok<ClusterProfile[]>(await core.dispatch('clusters.list', undefined)).find((c) => c.id === clusterId)!;
    expect(profile.hosts.slice(0, 3)).toEqual([target(), spareA(), spareB()]);
    expect(profile.hosts.some((h) => lab.managers.some((m) => m.name === h))).toBe(false);
    const connection = ok<{ managers: number; nodes: number }>(await core.dispatch('clusters.connect', { id: clusterId }));
    expect(connection).toMatchObject({ managers: 3, nodes: 3 });

    // No secret in the data folder, the activity log, the logs or the events.
    const secrets = [
      oldUnlockKey,
      newKey,
      managerToken,
      await cli(target(), ['swarm', 'join-token', '-q', 'manager']),
      passphrase,
      secretValue,
    ];
    const files = await readdir(dataDir, { recursive: true, withFileTypes: true });
    const texts = await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8')));
    const activity = ok<{ action: string; detail: string }[]>(await core.dispatch('activity.list', {}));
    expect(activity.some((a) => a.action.startsWith('docker swarm init --force-new-cluster'))).toBe(true);
    const haystacks = [...texts, JSON.stringify(activity), logger.lines.join('\n'), JSON.stringify(events)];
    for (const secret of secrets) for (const text of haystacks) expect(text.includes(secret)).toBe(false);
  });
});
