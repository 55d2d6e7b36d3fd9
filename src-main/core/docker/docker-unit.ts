import type { ExecOptions, ExecResult } from '../ssh/remote-exec.js';

/**
 * Clears systemd's start counter of docker.service before the app starts or restarts it.
 * Docker's unit allows 3 starts in 60 s (StartLimitBurst); a backup and a registry rollout
 * in a row reach that, and systemd then refuses the start that would bring the node back.
 * `systemctl reset-failed` is what an operator runs by hand; it changes nothing else.
 */
export async function clearDockerStartLimit(handle: {
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}): Promise<void> {
  await handle.exec(['systemctl', 'reset-failed', 'docker.service'], { sudo: true, timeoutMs: 30_000 }).catch(() => undefined);
}
