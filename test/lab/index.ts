// The lab for tests: `import { lab } from '../lab/index.js'` (or createLab() for a second one).
//   const hosts = await lab.up({ managers: 3, workers: 2 });
//   await lab.swarm.form();  ...  await lab.down();
import { Lab } from './lab.js';

export { Lab } from './lab.js';
export type { UpTimings } from './lab.js';
export type { LabHost, LabState, Role, UpOptions } from './types.js';
export type { SwarmNode, SwarmTokens } from './swarm.js';
export type { SshOptions } from './ssh.js';
export type { HostMemory } from './metrics.js';
export type { RunResult } from './exec.js';
export { LabError } from './exec.js';
export { LAB_IMAGES, ensureHostImage, recipeHash } from './image.js';
export { labSupport, inCi } from './prereq.js';
export { downAll, leftovers, storeLeftovers } from './cleanup.js';
export { listLabs } from './state.js';
export { hostInput } from './host-input.js';

/** The default lab of this process. */
export const lab = new Lab();

export function createLab(): Lab {
  return new Lab();
}
