import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../../src-main/contract.js';
import { ACTIVITY_FILE_NAME } from '../../../../src-main/core/activity/activity-log.js';
import type { Core } from '../../../../src-main/core/create-core.js';
import { testCore } from '../../../../test/support/core.js';
import { inProcessBridge } from '../../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../../test/support/temp-dir.js';
import ActivityPanel from './ActivityPanel.svelte';

// A real core reads the activity file it finds in its data directory; new entries come as its own events.
const entry = (id: string, time: string, fields: Partial<ActivityEntry> = {}): ActivityEntry => ({
  id,
  time,
  cluster: 'prod',
  host: 'manager1',
  action: 'docker service scale web=3',
  result: 'ok',
  detail: '',
  ...fields,
});

let core: Core;
let removeTemp: () => Promise<void>;
beforeAll(async () => {
  const temp = await makeTempDir();
  removeTemp = temp.cleanup;
  const lines = [
    entry('a1', '2025-06-01T10:00:00.000Z', { action: 'docker swarm init', host: 'manager1' }),
    entry('a2', '2025-06-01T11:00:00.000Z', { cluster: 'staging', action: 'docker node rm worker9' }),
    entry('a3', '2025-06-01T12:00:00.000Z', {
      action: 'docker node update --availability drain worker2',
      result: 'failed',
      detail: 'rpc error',
    }),
    entry('a4', '2025-06-01T12:30:00.000Z', {
      action: 'docker exec -it 0123456789ab sh',
      host: 'worker1',
      result: 'unknown',
      detail: 'task x',
    }),
  ];
  await writeFile(join(temp.dir, ACTIVITY_FILE_NAME), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  core = await testCore(temp.dir);
  window.swarmdeck = inProcessBridge(core);
});
afterEach(() => cleanup());
afterAll(async () => removeTemp());

const rowsOf = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

describe('the activity panel', () => {
  it('lists this cluster’s operations newest first, with the result in words', async () => {
    render(ActivityPanel, { clusterName: 'prod' });
    const region = screen.getByRole('region', { name: 'Activity' });
    const table = await within(region).findByRole('table');
    const rows = rowsOf(table);
    expect(rows.map((r) => within(r).getAllByRole('cell')[2]?.textContent)).toEqual([
      'docker exec -it 0123456789ab sh',
      'docker node update --availability drain worker2',
      'docker swarm init',
    ]);
    expect(rows[0]).toHaveTextContent('worker1');
    expect(rows[0]).toHaveTextContent('Unknown');
    expect(rows[1]).toHaveTextContent('Failed');
    expect(rows[1]).toHaveTextContent('rpc error');
    expect(rows[2]).toHaveTextContent('OK');
    expect(within(region).queryByText('docker node rm worker9')).not.toBeInTheDocument();
    expect(rows[0]!.querySelector('time')).toHaveAttribute('datetime', '2025-06-01T12:30:00.000Z');
  });

  it('adds entries of this cluster as they happen, and filters', async () => {
    render(ActivityPanel, { clusterName: 'prod' });
    const region = screen.getByRole('region', { name: 'Activity' });
    const table = await within(region).findByRole('table');
    core.events.emit('activity:added', entry('b1', '2025-06-01T13:00:00.000Z', { action: 'docker service rollback api', host: null }));
    core.events.emit('activity:added', entry('b2', '2025-06-01T13:01:00.000Z', { cluster: 'staging', action: 'docker service rm other' }));
    expect(await within(table).findByText('docker service rollback api')).toBeInTheDocument();
    expect(within(region).queryByText('docker service rm other')).not.toBeInTheDocument();
    expect(rowsOf(table)).toHaveLength(4);
    expect(rowsOf(table)[0]).toHaveTextContent('—');

    const filter = within(region).getByRole('searchbox', { name: 'Filter entries' });
    await fireEvent.input(filter, { target: { value: 'FAILED' } });
    expect(rowsOf(within(region).getByRole('table'))).toHaveLength(1);
    expect(within(region).getByText('1 of 4 entries match.')).toBeInTheDocument();
    await fireEvent.input(filter, { target: { value: 'nothing like this' } });
    expect(within(region).getByText('No entry matches the filter.')).toBeInTheDocument();
  });

  it('says when nothing has been done to the swarm yet', async () => {
    render(ActivityPanel, { clusterName: 'empty' });
    expect(await screen.findByText('Nothing has been done to this swarm yet.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
