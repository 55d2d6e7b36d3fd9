// Self-test of `npm run lab`: `up` exits and leaves the lab running, `status` and `down`
// work from other processes, and the ssh command it prints logs in.
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeLab } from './suite.js';
import { downAll, leftovers, listLabs } from './index.js';
import { run } from './exec.js';
import { LAB_SOURCE_DIR } from './paths.js';

const ROOT = path.resolve(LAB_SOURCE_DIR, '../..');
const ID = 'clitest';

function cli(...args: string[]): ReturnType<typeof run> {
  return run(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(LAB_SOURCE_DIR, 'cli.ts'), ...args], { cwd: ROOT, timeoutMs: 600_000 });
}

describeLab('npm run lab (CLI)', () => {
  afterAll(async () => {
    // Whatever happened above, no lab of this test outlives it.
    if (listLabs().some((l) => l.id === ID)) await cli('down', '--id', ID);
  });

  it('up prints hosts and ssh commands, then exits leaving the lab up', async () => {
    const r = await cli('up', '--managers', '1', '--workers', '1', '--id', ID);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+ROLE\s+ADDRESS\s+USER\s+LOGIN\s+FINGERPRINT/m);
    expect(r.stdout).toMatch(/^manager1\s+manager\s+172\.28\.\d+\.11\s+ops\s+key \/\S+\s+SHA256:/m);
    expect(r.stdout).toMatch(/^worker1\s+worker\s+.*password [0-9a-f]{16}/m);
    const state = listLabs().find((l) => l.id === ID);
    expect(state?.persistent).toBe(true);

    const sshLine = /^\s+(ssh -F \S+ manager1)$/m.exec(r.stdout)?.[1];
    expect(sshLine).toBeDefined();
    const [cmd, ...args] = (sshLine as string).split(' ');
    const login = await run(cmd as string, [...args, 'hostname'], { timeoutMs: 30_000 });
    expect(login.stdout.trim()).toBe('manager1');
  });

  it('status shows the lab from another process', async () => {
    const r = await cli('status', '--id', ID, '--json');
    expect(r.code).toBe(0);
    const labs = JSON.parse(r.stdout) as { id: string; hosts: { name: string }[] }[];
    expect(labs.find((l) => l.id === ID)?.hosts.map((h) => h.name)).toEqual(['manager1', 'worker1']);
  });

  it('down takes it down and leaves nothing behind', async () => {
    const r = await cli('down', '--id', ID);
    expect(r.code, r.stderr).toBe(0);
    expect(listLabs().some((l) => l.id === ID)).toBe(false);
    if (listLabs().length === 0) expect(await leftovers()).toEqual([]);
    // down --all with nothing up is harmless too.
    if (listLabs().length === 0) {
      await downAll();
      expect(await leftovers()).toEqual([]);
    }
  });
});
