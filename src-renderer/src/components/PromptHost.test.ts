import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core/create-core.js';
import { testCore } from '../../../test/support/core.js';
import { inProcessBridge } from '../../../test/support/in-process-bridge.js';
import { makeTempDir } from '../../../test/support/temp-dir.js';
import PromptHost from './PromptHost.svelte';

let core: Core;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const temp = await makeTempDir();
  cleanup = temp.cleanup;
  core = await testCore(temp.dir);
  window.swarmdeck = inProcessBridge(core);
  render(PromptHost);
});
afterAll(() => cleanup());

describe('the prompt host', () => {
  it('asks for the unlock key of a manager that restarted locked, and says why', async () => {
    // The core asks this when it finds a locked manager and the keychain has no key for it.
    core.events.emit('prompt:secret', { promptId: 'abcdef12-0001', kind: 'unlockKey', target: 'manager-2', canRemember: true });
    const dialog = await screen.findByRole('dialog', { name: 'Unlock key for manager-2' });
    expect(dialog).toHaveAccessibleDescription(expect.stringContaining('restarted with autolock on'));
    const key = screen.getByLabelText('Unlock key');
    expect(key).toHaveAttribute('type', 'password');
    expect(screen.getByRole('checkbox', { name: 'Remember in the keychain' })).toBeInTheDocument();

    await fireEvent.input(key, { target: { value: 'SWMKEY-1-abc' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('still asks for passwords with the usual words', async () => {
    core.events.emit('prompt:secret', { promptId: 'abcdef12-0002', kind: 'password', target: 'ops@10.0.0.11:22', canRemember: false });
    expect(await screen.findByRole('dialog', { name: 'Password for ops@10.0.0.11:22' })).toBeInTheDocument();
    expect(screen.getByLabelText('Secret')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
