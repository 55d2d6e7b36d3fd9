// A lab whose test process dies without down() (crash, SIGKILL) is taken down by its
// watchdog: nothing of the lab outlives the process that started it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { describeLab } from './suite.js';
import { leftovers, listLabs } from './index.js';
import { alive, waitFor } from './exec.js';
import { downLab } from './cleanup.js';
import { LAB_SOURCE_DIR } from './paths.js';
import { labDir, readLab } from './state.js';

const ID = 'reapertest';

describeLab('lab watchdog', () => {
  afterAll(async () => {
    if (existsSync(labDir(ID))) await downLab(ID);
  });

  it('takes a lab down when its owner is killed', async () => {
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    // One node process (no tsx wrapper), so that SIGKILL hits the lab's owner itself.
    const owner = spawn(process.execPath, ['--import', loader, path.join(LAB_SOURCE_DIR, 'owner-fixture.ts'), ID], {
      cwd: path.resolve(LAB_SOURCE_DIR, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    owner.stdout.on('data', (d: Buffer) => (out += d.toString()));
    owner.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(
        'the owner to bring its lab up',
        async () => out.includes(`UP ${ID}`) || (owner.exitCode !== null && Promise.reject(new Error(out))),
        {
          timeoutMs: 240_000,
        },
      );
    } catch (err) {
      owner.kill('SIGKILL');
      throw err;
    }
    const reaper = readLab(ID)?.reaperPid;
    expect(reaper).toBeDefined();
    expect(alive(reaper as number)).toBe(true);

    owner.kill('SIGKILL');
    await waitFor('the watchdog to take the lab down', async () => !existsSync(labDir(ID)), { timeoutMs: 90_000 });
    await waitFor('the watchdog to exit', async () => !alive(reaper as number), { timeoutMs: 10_000 });
    if (listLabs().length === 0) expect(await leftovers()).toEqual([]);
  });
});
