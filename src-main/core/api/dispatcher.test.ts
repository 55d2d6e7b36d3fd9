import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger, testCore } from '../../../test/support/core.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import type { Core } from '../create-core.js';
import { createDispatcher, type Routes } from './dispatcher.js';
import { noInputSchema } from './schemas.js';

let dir: string;
let cleanup: () => Promise<void>;
let core: Core;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
  core = await testCore(dir);
});
afterEach(() => cleanup());

describe('dispatch', () => {
  it('answers an unknown method with UNKNOWN_METHOD, including prototype names', async () => {
    for (const method of ['clusters.drop', 'constructor', '__proto__', 'toString']) {
      const result = await core.dispatch(method, undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('refuses malformed arguments with INVALID_ARGUMENT and per-field issue codes', async () => {
    const result = await core.dispatch('clusters.create', { name: '', hosts: ['ok-host', 'bad host', 'ok-host'], extra: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_ARGUMENT');
    expect(result.error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', code: 'NAME_EMPTY' }),
        expect.objectContaining({ path: 'hosts.1', code: 'HOST_INVALID' }),
        expect.objectContaining({ path: 'hosts', code: 'HOST_DUPLICATE' }),
        expect.objectContaining({ path: '', code: 'UNKNOWN_FIELD' }),
      ]),
    );
    expect(await core.dispatch('clusters.list', undefined)).toEqual({ ok: true, value: [] });
  });

  it.each([null, 42, 'name', [], { id: 7 }])('refuses %j as input of clusters.remove', async (input) => {
    expect(await core.dispatch('clusters.remove', input)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });

  it('refuses an argument given to a method that takes none', async () => {
    expect(await core.dispatch('clusters.list', { all: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', issues: [{ code: 'NO_ARGUMENT_EXPECTED' }] },
    });
  });

  it('hides the text of unexpected errors and logs them without the input', async () => {
    const logger = memoryLogger();
    const routes = {
      'app.info': {
        schema: noInputSchema,
        handle: () => {
          throw new Error('/home/ops/.ssh/id_ed25519 passphrase=hunter2');
        },
      },
    } as unknown as Routes;
    const dispatch = createDispatcher(routes, { onInternalError: (method, err) => logger.error(method, { err: String(err) }) });
    const result = await dispatch('app.info', undefined);
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(logger.lines).toHaveLength(1);
  });
});
