// Running programs for the lab: argument arrays only (no shell), every call bounded in time,
// and failures that say which command failed and what it printed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunOptions {
  /** Milliseconds before the process (group) is killed and the call fails. */
  timeoutMs?: number;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export class LabError extends Error {
  override name = 'LabError';
}

/** Thrown from a waitFor() check: no point waiting longer (the host died, say). */
export class GiveUp extends LabError {
  override name = 'GiveUp';
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_CAPTURE = 4 * 1024 * 1024;

/** Runs a program and resolves with its result whatever its exit status. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout also ends what the command started (ssh -J, tar | ...).
    const child = spawn(cmd, [...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < MAX_CAPTURE) stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_CAPTURE) stderr += d.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new LabError(`cannot run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => {
      /* the program may exit before reading its input; its status tells */
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a program and rejects unless it exits 0; resolves with its stdout. */
export async function must(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new LabError(describeFailure(cmd, args, r, opts.timeoutMs));
  return r.stdout;
}

export function describeFailure(cmd: string, args: readonly string[], r: RunResult, timeoutMs?: number): string {
  const what = [cmd, ...args].join(' ');
  const short = what.length > 300 ? `${what.slice(0, 300)}…` : what;
  const why = r.timedOut
    ? `timed out after ${Math.round((timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`
    : r.signal
      ? `killed by ${r.signal}`
      : `exit ${r.code}`;
  const out = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-15).join('\n');
  return `${short}: ${why}${out ? `\n${out}` : ''}`;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after
 * `timeoutMs` naming what it waited for and the last error seen.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  { timeoutMs, intervalMs = 500 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) {
      throw new LabError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${last ? `: ${last}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * True when a process with this pid runs. A zombie does not count: a daemon whose parent
 * (say, a CLI `up` that has exited) is gone may never be reaped by this machine's init.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) S ..."; comm may contain spaces, so split after ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
