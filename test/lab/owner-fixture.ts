// Fixture for reaper.test.ts: brings a lab up, says so, then waits to be killed without
// ever calling down() (as a crashed test run would). Exits by itself after 5 minutes.
import { createLab } from './index.js';

const lab = createLab();
await lab.up({ id: process.argv[2] ?? 'owner-fixture', managers: 1 });
console.log(`UP ${lab.state.id}`);
setTimeout(() => process.exit(0), 300_000);
