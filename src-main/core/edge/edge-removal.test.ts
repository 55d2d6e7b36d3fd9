import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ClusterProfile, EdgeState, Result } from '../../contract.js';
import { testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';

// Removing a cluster profile through the contract: the edge list stops following that swarm (it
// would otherwise retry a swarm the app no longer knows, and again at every start).
let dir: string;
let cleanup: () => Promise<void>;
let core: Core;

const ok = <T>(result: Result<unknown>): T => {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
};

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  core = await testCore(join(dir, 'data'));
});
afterEach(() => cleanup());

it('a removed cluster’s edge list is no longer followed, now or after a restart', async () => {
  const profile = ok<ClusterProfile>(await core.dispatch('clusters.create', { name: 'gone' }));
  const config = { port: 80, label: null, format: 'plain', name: 'web', output: { kind: 'file', path: join(dir, 'targets') } };
  expect(ok<EdgeState>(await core.dispatch('edge.configure', { clusterId: profile.id, config })).enabled).toBe(true);

  ok(await core.dispatch('clusters.remove', { id: profile.id }));
  expect(ok<EdgeState>(await core.dispatch('edge.get', { clusterId: profile.id })).enabled).toBe(false);
  const restarted = await testCore(join(dir, 'data'));
  expect(ok<EdgeState>(await restarted.dispatch('edge.get', { clusterId: profile.id })).enabled).toBe(false);
});
