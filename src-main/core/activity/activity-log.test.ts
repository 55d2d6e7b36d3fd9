import { appendFile, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import { ActivityLog } from './activity-log.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function tempDir(): Promise<string> {
  const { dir, cleanup } = await makeTempDir();
  cleanups.push(cleanup);
  return dir;
}

describe('ActivityLog', () => {
  it('appends entries, pushes them as events, and reads them back after a restart', async () => {
    const dir = await tempDir();
    const events = new EventBus();
    const pushed: string[] = [];
    events.subscribe((event, payload) => {
      if (event === 'activity:added') pushed.push((payload as { action: string }).action);
    });
    const log = new ActivityLog(dir, events);
    await log.load();
    await log.record({ cluster: 'prod', host: 'm1', action: 'swarm init', result: 'ok', detail: '' });
    await log.record({ cluster: 'lab', host: null, action: 'network create backend', result: 'failed', detail: 'subnet in use' });
    expect(pushed).toEqual(['swarm init', 'network create backend']);

    const again = new ActivityLog(dir, new EventBus());
    await again.load();
    expect(again.list().map((e) => e.action)).toEqual(['swarm init', 'network create backend']);
    expect(again.list('lab')).toHaveLength(1);
  });

  it('skips a torn last line instead of losing the whole log', async () => {
    const dir = await tempDir();
    const log = new ActivityLog(dir, new EventBus());
    await log.record({ cluster: 'prod', host: null, action: 'node update', result: 'ok', detail: '' });
    await appendFile(log.path, '{"id":"x","tim');
    const again = new ActivityLog(dir, new EventBus());
    await again.load();
    expect(again.list()).toHaveLength(1);
    expect(await readFile(log.path, 'utf8')).toContain('node update');
  });
});
