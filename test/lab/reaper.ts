// Watchdog for a lab started by a test run: if the test process dies without calling
// down() (crash, SIGKILL, a runner's timeout), this takes the lab down. It exits on its own
// as soon as the lab is gone either way.
//   node --import tsx test/lab/reaper.ts <lab id> <owner pid>
import { existsSync } from 'node:fs';
import { alive, sleep } from './exec.js';
import { downLab } from './cleanup.js';
import { labDir } from './state.js';

const [id, ownerArg] = process.argv.slice(2);
const owner = Number(ownerArg);
if (!id || !Number.isInteger(owner)) {
  console.error('usage: reaper.ts <lab id> <owner pid>');
  process.exit(2);
}

for (;;) {
  if (!existsSync(labDir(id))) process.exit(0);
  if (!alive(owner)) {
    console.error(`owner ${owner} of lab ${id} is gone: taking the lab down`);
    await downLab(id);
    process.exit(0);
  }
  await sleep(2000);
}
