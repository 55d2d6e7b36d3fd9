import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  BackupCheck,
  BackupRecord,
  BackupSchedule,
  BackupState,
  HostRecord,
  RestoreCheck,
  RestoreOutcome,
} from '../../../../src-main/contract.js';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import { ApiError } from '../../lib/api.js';
import BackupsPanel from './BackupsPanel.svelte';
import type { BackupSource } from './backup/backup-source.js';

// The panel given the core's answers as a source (backups and restores need a swarm and hosts,
// and are tested against the lab in the core's suites); `backups:progress`, `backups:changed` and
// `restore:step` arrive through a real core's event bus.
let core: Core;
let removeTemp: () => Promise<void>;
beforeAll(async () => {
  const temp = await makeTempDir();
  removeTemp = temp.cleanup;
  core = await testCore(temp.dir);
  window.swarmdeck = inProcessBridge(core);
});
afterEach(() => cleanup());
afterAll(async () => {
  await removeTemp();
});

const record = (over: Partial<BackupRecord> = {}): BackupRecord => ({
  id: 'b-old',
  clusterId: 'c1',
  file: '/home/ops/.swarmdeck/backups/c1/b-old.sdbk',
  createdAt: '2025-06-01T10:00:00Z',
  swarmId: 'swarm1',
  node: { id: 'n2', hostname: 'manager2', host: 'm2' },
  dockerVersion: '27.3.1',
  bytes: 2 * 1024 * 1024,
  sha256: 'ab'.repeat(32),
  encryption: 'keychain',
  durationMs: 42_000,
  managers: 3,
  autolock: false,
  ...over,
});

const state = (over: Partial<BackupState> = {}): BackupState => ({
  clusterId: 'c1',
  schedule: { everyHours: null, keep: 7 },
  backups: [],
  running: false,
  nextAt: null,
  lastFailure: null,
  ...over,
});

const host = (alias: string): HostRecord =>
  ({
    id: `h-${alias}`,
    alias,
    address: `${alias}.lan`,
    port: 22,
    user: 'ops',
    auth: [],
    identityFile: null,
    jump: [],
    tags: [],
  }) as HostRecord;

const ready: BackupCheck = { node: { id: 'n2', hostname: 'manager2', host: 'm2' }, refused: null, warnings: [], autolock: false };

function fakeSource(over: { state?: BackupState; check?: BackupCheck } = {}) {
  let current = over.state ?? state();
  return {
    state: vi.fn(() => Promise.resolve(current)),
    check: vi.fn(() => Promise.resolve(over.check ?? ready)),
    run: vi.fn((_input: Parameters<BackupSource['run']>[0]) =>
      Promise.resolve(record({ id: 'b-new', createdAt: '2025-06-02T10:00:00Z', durationMs: 65_000 })),
    ),
    configure: vi.fn((schedule: BackupSchedule) => {
      current = { ...current, schedule, nextAt: schedule.everyHours ? '2025-06-02T16:00:00Z' : null };
      return Promise.resolve(current);
    }),
    remove: vi.fn((_id: string) => Promise.resolve()),
    hosts: vi.fn(() => Promise.resolve([host('m9'), host('m1'), host('m4'), host('m5')])),
    restoreCheck: vi.fn((input: Parameters<BackupSource['restoreCheck']>[0]) =>
      Promise.resolve<RestoreCheck>({
        backup: record(),
        host: input.host,
        current: { swarmId: 'oldswarm', nodeId: 'x9', role: 'manager', containers: 4, swarmDirBytes: 3 * 1024 * 1024 },
        steps: ['open', 'stop', 'replace', 'start', 'force-new-cluster', 'services', 'rotate-unlock-key', 'add-managers'],
        candidates: ['m1', 'm9', 'm4', 'm5'],
      }),
    ),
    restoreRun: vi.fn((_input: Parameters<BackupSource['restoreRun']>[0]) =>
      Promise.resolve<RestoreOutcome>({ clusterId: 'c1', services: 5, managers: ['m9', 'm1', 'm4'] }),
    ),
  } satisfies BackupSource;
}

async function renderPanel(source: BackupSource) {
  render(BackupsPanel, { clusterId: 'c1', source });
  return screen.findByRole('button', { name: 'Back up now…' });
}

async function openRun(source: BackupSource) {
  await fireEvent.click(await renderPanel(source));
  return screen.findByRole('dialog', { name: 'Back up the swarm state' });
}

describe('the backup list', () => {
  it('shows each backup newest first with its manager, size, Docker version, encryption and duration', async () => {
    const source = fakeSource({
      state: state({
        backups: [
          record(),
          record({
            id: 'b-new',
            createdAt: '2025-06-02T10:00:00Z',
            encryption: 'passphrase',
            node: { id: 'n3', hostname: 'manager3', host: 'm3' },
          }),
        ],
      }),
    });
    await renderPanel(source);
    const table = screen.getByRole('table', { name: 'Backups' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['manager3', 'manager2']);
    expect(rows[1]).toHaveTextContent('27.3.1');
    expect(rows[1]).toHaveTextContent('2 MB');
    expect(rows[1]).toHaveTextContent('Keychain key');
    expect(rows[1]).toHaveTextContent('42 sec');
    expect(rows[0]).toHaveTextContent('Passphrase');
  });

  it('says so when there is none, and offers to read again when the core fails', async () => {
    const source = fakeSource();
    source.state.mockRejectedValueOnce(new ApiError({ code: 'DOCKER_UNREACHABLE', message: 'x', params: { detail: 'down' } }));
    render(BackupsPanel, { clusterId: 'c1', source });
    await fireEvent.click(await screen.findByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No backups of this cluster yet.')).toBeInTheDocument();
  });

  it('Remove states what it deletes, and deletes only after the confirmation', async () => {
    const source = fakeSource({ state: state({ backups: [record()] }) });
    await renderPanel(source);
    await fireEvent.click(screen.getByRole('button', { name: /^Remove the backup of / }));
    const dialog = screen.getByRole('dialog', { name: 'Remove this backup?' });
    expect(dialog).toHaveTextContent('/home/ops/.swarmdeck/backups/c1/b-old.sdbk');
    expect(dialog).toHaveTextContent('The swarm is not touched.');
    expect(source.remove).not.toHaveBeenCalled();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(source.remove).toHaveBeenCalledExactlyOnceWith('b-old');
    expect(await screen.findByText(/^Backup of .+ removed\.$/)).toBeInTheDocument();
  });

  it('follows backups:changed for this cluster', async () => {
    const source = fakeSource();
    await renderPanel(source);
    core.events.emit('backups:changed', state({ clusterId: 'other', backups: [record()] }));
    core.events.emit('backups:changed', state({ backups: [record()], running: true }));
    expect(await screen.findByText('A backup is running.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Back up now…' })).toBeDisabled();
    expect(screen.getAllByRole('row')).toHaveLength(2);
  });
});

describe('backing up now', () => {
  it('states which manager stops and what that does, then runs with live steps and shows the result', async () => {
    const source = fakeSource();
    const dialog = await openRun(source);
    expect(await within(dialog).findByText(/^Docker on manager2 stops for the backup; the swarm keeps quorum/)).toBeInTheDocument();
    expect(dialog).toHaveTextContent('manager2 is reached over SSH as m2.');
    expect(within(dialog).getByLabelText('A key kept in the keychain (recommended)')).toBeChecked();
    let resolveRun!: (r: BackupRecord) => void;
    source.run.mockImplementationOnce(() => new Promise((resolve) => (resolveRun = resolve)));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Back up' }));
    expect(source.run).toHaveBeenCalledExactlyOnceWith({ acknowledgeSingleManager: false, encryption: 'keychain' });
    const steps = within(dialog).getByRole('list', { name: 'Steps' });
    core.events.emit('backups:progress', { clusterId: 'other', step: 'stop', state: 'done' });
    core.events.emit('backups:progress', { clusterId: 'c1', step: 'check', state: 'done' });
    core.events.emit('backups:progress', { clusterId: 'c1', step: 'stop', state: 'running' });
    await vi.waitFor(() => expect(within(steps).getByText('Stop Docker on manager2').closest('li')).toHaveTextContent('in progress'));
    expect(within(steps).getByText('Check the managers and quorum').closest('li')).toHaveTextContent('done');
    // Not reported: shown as pending, never as done.
    expect(within(steps).getByText('Archive /var/lib/docker/swarm').closest('li')).toHaveClass('pending');
    expect(within(dialog).getByRole('button', { name: 'Back up' })).toBeDisabled();
    resolveRun(record({ id: 'b-new', durationMs: 65_000, bytes: 5 * 1024 * 1024 }));
    expect(await within(dialog).findByText('Backup taken from manager2 in 1 min: 5 MB.')).toBeInTheDocument();
  });

  it('says why when no manager may be stopped, and offers no way to run', async () => {
    const refused = {
      code: 'BACKUP_REFUSED' as const,
      message: 'x',
      params: { reason: 'stopping manager2 would leave 1 of 3 managers reachable; quorum needs 2' },
    };
    const dialog = await openRun(fakeSource({ check: { node: null, refused, warnings: [], autolock: false } }));
    expect(await within(dialog).findByText('No backup can be taken now')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('No backup was taken: stopping manager2 would leave 1 of 3 managers reachable; quorum needs 2');
    expect(within(dialog).queryByRole('button', { name: 'Back up' })).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Close' })).toBeEnabled();
  });

  it('a single manager needs an explicit acknowledgement before the run', async () => {
    const refused = { code: 'BACKUP_REFUSED' as const, message: 'x', params: { reason: 'only manager' } };
    const source = fakeSource({
      check: {
        node: { id: 'n1', hostname: 'solo', host: 'solo' },
        refused,
        warnings: ['SINGLE_MANAGER', 'UNLOCK_KEY_MISSING'],
        autolock: true,
      },
    });
    const dialog = await openRun(source);
    expect(await within(dialog).findByText(/^This swarm has a single manager, solo: while Docker is stopped there/)).toBeInTheDocument();
    expect(dialog).toHaveTextContent('the unlock key is not in this workstation’s keychain');
    const start = within(dialog).getByRole('button', { name: 'Back up' });
    expect(start).toBeDisabled();
    await fireEvent.click(within(dialog).getByLabelText('I understand that the swarm cannot be managed while Docker on solo is stopped'));
    expect(start).toBeEnabled();
    await fireEvent.click(start);
    expect(source.run).toHaveBeenCalledExactlyOnceWith({ acknowledgeSingleManager: true, encryption: 'keychain' });
  });

  it('a passphrase is typed twice into password fields; a mismatch or a short one blocks, and the fields are cleared after', async () => {
    const source = fakeSource();
    const dialog = await openRun(source);
    await fireEvent.click(await within(dialog).findByLabelText('A passphrase you type now'));
    const first = within(dialog).getByLabelText('Passphrase');
    const again = within(dialog).getByLabelText('Passphrase again');
    expect(first).toHaveAttribute('type', 'password');
    expect(again).toHaveAttribute('type', 'password');
    await fireEvent.input(first, { target: { value: 'correct horse' } });
    await fireEvent.input(again, { target: { value: 'correct house' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Back up' }));
    expect(again).toHaveAccessibleDescription(/The two passphrases differ/);
    await fireEvent.input(first, { target: { value: 'short' } });
    await fireEvent.input(again, { target: { value: 'short' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Back up' }));
    expect(first).toHaveAccessibleDescription(/At least 8 characters/);
    expect(source.run).not.toHaveBeenCalled();
    await fireEvent.input(first, { target: { value: 'correct horse' } });
    await fireEvent.input(again, { target: { value: 'correct horse' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Back up' }));
    expect(source.run).toHaveBeenCalledExactlyOnceWith({
      acknowledgeSingleManager: false,
      encryption: 'passphrase',
      passphrase: 'correct horse',
    });
    await within(dialog).findByText(/^Backup taken from manager2/);
    // Nothing in the dialog holds the passphrase any more.
    expect(dialog.innerHTML).not.toContain('correct horse');
    for (const input of dialog.querySelectorAll('input')) expect(input.value).not.toBe('correct horse');
  });

  it('a failed run says where it stopped, and lets the operator try again', async () => {
    const source = fakeSource();
    source.run.mockRejectedValueOnce(
      new ApiError({ code: 'BACKUP_FAILED', message: 'x', params: { step: 'archive', host: 'm2', detail: 'tar: disk full' } }),
    );
    const dialog = await openRun(source);
    await fireEvent.click(await within(dialog).findByRole('button', { name: 'Back up' }));
    expect(await within(dialog).findByText('The backup stopped at “archive” on m2: tar: disk full')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Back up' })).toBeEnabled();
  });
});

describe('the schedule', () => {
  it('shows when the next one is due and why the last failed, and saves every N hours and keep N', async () => {
    const source = fakeSource({
      state: state({
        lastFailure: {
          at: '2025-06-01T09:00:00Z',
          error: { code: 'BACKUP_FAILED', message: 'x', params: { step: 'stop', host: 'm2', detail: 'sudo: a password is required' } },
        },
      }),
    });
    await renderPanel(source);
    const form = screen.getByRole('form', { name: 'Schedule' });
    expect(screen.getByText('No routine backups: only by hand.')).toBeInTheDocument();
    expect(screen.getByText(/failed: The backup stopped at “stop” on m2: sudo: a password is required$/)).toBeInTheDocument();
    await fireEvent.click(within(form).getByLabelText('Every few hours'));
    const hours = within(form).getByLabelText('Hours between backups');
    await fireEvent.input(hours, { target: { value: '0' } });
    await fireEvent.input(within(form).getByLabelText('Backups to keep'), { target: { value: '10' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Save schedule' }));
    expect(source.configure).not.toHaveBeenCalled();
    expect(hours).toHaveAccessibleDescription(/A whole number of hours from 1 to 720/);
    await fireEvent.input(hours, { target: { value: '6' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Save schedule' }));
    expect(source.configure).toHaveBeenCalledExactlyOnceWith({ everyHours: 6, keep: 10 });
    expect(await screen.findByText(/^Next routine backup: .+\.$/)).toBeInTheDocument();
    await fireEvent.click(within(form).getByLabelText('By hand only'));
    await fireEvent.click(within(form).getByRole('button', { name: 'Save schedule' }));
    expect(source.configure).toHaveBeenLastCalledWith({ everyHours: null, keep: 10 });
  });
});

describe('restoring a backup', () => {
  async function openWizard(source: BackupSource) {
    await renderPanel(source);
    await fireEvent.click(screen.getByRole('button', { name: /^Restore the backup of / }));
    return screen.findByRole('dialog', { name: /^Restore the backup of / });
  }

  it('reads the host first, shows exactly what is destroyed there, and restores only once the host name is typed', async () => {
    const source = fakeSource({ state: state({ backups: [record({ encryption: 'passphrase' })] }) });
    const dialog = await openWizard(source);
    const hostSelect = await within(dialog).findByLabelText('Host to restore on');
    await vi.waitFor(() => expect(within(hostSelect).getAllByRole('option')).toHaveLength(5));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Check the host' }));
    expect(source.restoreCheck).not.toHaveBeenCalled();
    await fireEvent.change(hostSelect, { target: { value: 'm9' } });
    const passphrase = within(dialog).getByLabelText('The backup’s passphrase');
    expect(passphrase).toHaveAttribute('type', 'password');
    await fireEvent.input(passphrase, { target: { value: 'correct horse' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Check the host' }));
    expect(source.restoreCheck).toHaveBeenCalledExactlyOnceWith({ backupId: 'b-old', host: 'm9', passphrase: 'correct horse' });

    const destroyed = await within(dialog).findByRole('region', { name: 'What this destroys on m9' });
    expect(destroyed).toHaveTextContent('m9 is now in swarm oldswarm as a manager (node x9): that membership is lost.');
    expect(destroyed).toHaveTextContent('4 containers on m9 are lost.');
    expect(destroyed).toHaveTextContent('Its swarm state (3 MB in /var/lib/docker/swarm) is replaced by the backup’s.');
    expect(destroyed).toHaveTextContent('The old /var/lib/docker/swarm is moved aside, not deleted.');
    const steps = within(dialog).getByRole('list', { name: 'Steps' });
    expect(within(steps).getAllByRole('listitem')[4]).toHaveTextContent('docker swarm init --force-new-cluster on m9');

    // Up to managers − 1 = 2 preselected, the restored host not offered.
    const managers = within(dialog).getByRole('group', { name: 'Managers to join again' });
    expect(within(managers).queryByLabelText('m9')).toBeNull();
    expect(within(managers).getByLabelText('m1')).toBeChecked();
    expect(within(managers).getByLabelText('m4')).toBeChecked();
    expect(within(managers).getByLabelText('m5')).not.toBeChecked();
    expect(within(managers).getByLabelText('m5')).toBeDisabled();
    await fireEvent.click(within(managers).getByLabelText('m1'));
    await fireEvent.click(within(managers).getByLabelText('m5'));

    const restore = within(dialog).getByRole('button', { name: 'Restore' });
    expect(restore).toBeDisabled();
    const confirm = within(dialog).getByLabelText('Type m9 to confirm');
    await fireEvent.input(confirm, { target: { value: 'M9' } });
    expect(restore).toBeDisabled();
    await fireEvent.input(confirm, { target: { value: 'm9' } });
    expect(restore).toBeEnabled();
    let finish!: (outcome: RestoreOutcome) => void;
    source.restoreRun.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    await fireEvent.click(restore);
    expect(source.restoreRun).toHaveBeenCalledExactlyOnceWith({
      backupId: 'b-old',
      host: 'm9',
      passphrase: 'correct horse',
      managers: ['m4', 'm5'],
      confirm: 'm9',
    });
    core.events.emit('restore:step', { backupId: 'b-old', step: 'open', state: 'done' });
    core.events.emit('restore:step', { backupId: 'other', step: 'stop', state: 'done' });
    core.events.emit('restore:step', { backupId: 'b-old', step: 'stop', state: 'running' });
    await vi.waitFor(() => expect(within(steps).getAllByRole('listitem')[0]).toHaveTextContent('done'));
    expect(within(steps).getAllByRole('listitem')[1]).toHaveTextContent('in progress');
    expect(within(steps).getAllByRole('listitem')[2]).toHaveClass('pending');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeDisabled();
    finish({ clusterId: 'c1', services: 5, managers: ['m9', 'm1', 'm4'] });
    expect(await within(dialog).findByText('The swarm is back with 5 services; managers: m9, m1, m4.')).toBeInTheDocument();
  });

  it('a host out of a swarm, and a restore that fails partway, are said as they are', async () => {
    const source = fakeSource({ state: state({ backups: [record()] }) });
    source.restoreCheck.mockResolvedValueOnce({
      backup: record(),
      host: 'm1',
      current: { swarmId: null, nodeId: null, role: null, containers: 0, swarmDirBytes: null },
      steps: ['open', 'stop', 'replace'],
      candidates: [],
    });
    source.restoreRun.mockRejectedValueOnce(
      new ApiError({ code: 'RESTORE_FAILED', message: 'x', params: { step: 'replace', host: 'm1', detail: 'mv: permission denied' } }),
    );
    const dialog = await openWizard(source);
    const hostSelect = await within(dialog).findByLabelText('Host to restore on');
    await vi.waitFor(() => expect(within(hostSelect).getAllByRole('option')).toHaveLength(5));
    expect(within(dialog).queryByLabelText('The backup’s passphrase')).toBeNull();
    await fireEvent.change(hostSelect, { target: { value: 'm1' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Check the host' }));
    expect(source.restoreCheck).toHaveBeenCalledExactlyOnceWith({ backupId: 'b-old', host: 'm1' });
    const destroyed = await within(dialog).findByRole('region', { name: 'What this destroys on m1' });
    expect(destroyed).toHaveTextContent('m1 is not in a swarm now.');
    expect(destroyed).toHaveTextContent('No containers on m1.');
    expect(destroyed).toHaveTextContent('m1 has no /var/lib/docker/swarm now.');
    expect(dialog).toHaveTextContent('No host can join now');
    await fireEvent.input(within(dialog).getByLabelText('Type m1 to confirm'), { target: { value: 'm1' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }));
    expect(await within(dialog).findByText('The restore stopped at “replace” on m1: mv: permission denied')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Restore' })).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Back' })).toBeEnabled();
  });
});
