import { describe, expect, it } from 'vitest';
import { CoreError } from '../errors.js';
import type { SshConnection } from './connect.js';
import { ManagedConnection } from './managed-connection.js';

// The opener is the seam: here it fails or succeeds on demand (the real one, ssh2 against the lab's sshd, is covered in the lab suites).
function opener(outcomes: ('refused' | 'ok')[]): { open: () => Promise<SshConnection>; calls: () => number } {
  let calls = 0;
  const open = async (): Promise<SshConnection> => {
    const outcome = outcomes[Math.min(calls++, outcomes.length - 1)];
    if (outcome === 'refused') throw new CoreError('SSH_CONNECTION_REFUSED', 'refused');
    const client = { once: () => undefined, end: () => undefined };
    return { client, close: () => undefined, isOpen: () => true } as unknown as SshConnection;
  };
  return { open, calls: () => calls };
}

describe('ManagedConnection.attemptNow', () => {
  it('tries at once while a reconnect waits for its timer, instead of waiting with it', async () => {
    const { open, calls } = opener(['refused', 'refused', 'ok']);
    const link = new ManagedConnection(open, { minMs: 60_000, maxMs: 60_000, random: () => 1 });
    await expect(link.connection()).rejects.toMatchObject({ code: 'SSH_CONNECTION_REFUSED' });
    expect(link.state.state).toBe('reconnecting');
    // connection() would wait a minute for the timer; attemptNow answers now, whatever the answer.
    await expect(link.attemptNow()).rejects.toMatchObject({ code: 'SSH_CONNECTION_REFUSED' });
    await expect(link.attemptNow()).resolves.toBeDefined();
    expect(calls()).toBe(3);
    expect(link.state.state).toBe('ready');
    link.close();
  });
});
