import { readFile } from 'node:fs/promises';
import type { EdgeOutput } from '../../contract.js';
import { CoreError } from '../errors.js';
import type { ExecOptions, ExecResult } from '../ssh/remote-exec.js';
import { writeFileAtomic } from '../store/atomic-write.js';

/** The one thing the output needs of a proxy host: its shell (PlanHosts' handle fits). */
export interface RemoteShell {
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

const REMOTE_TIMEOUT_MS = 30_000;

// The path arrives as $1 and the text on stdin: neither is ever part of the script itself.
// A temp file in the target's folder, then a rename, so the proxy never reads half a list;
// hidden (leading dot) so an `include *.conf` does not pick it up meanwhile. Made world-readable:
// the proxy usually runs as its own user.
export const REMOTE_WRITE_SCRIPT = [
  'set -e',
  'dir=$(dirname -- "$1")',
  'tmp=$(mktemp "$dir/.swarmdeck-edge.XXXXXX")',
  `trap 'rm -f -- "$tmp"' EXIT`,
  'cat > "$tmp"',
  'chmod 644 "$tmp"',
  'mv -f -- "$tmp" "$1"',
  'trap - EXIT',
].join('\n');

/** What the output holds now, or null when it cannot be read (absent, unreadable). */
export async function readOutput(output: EdgeOutput, shell: () => RemoteShell): Promise<string | null> {
  if (output.kind === 'file') return readFile(output.path, 'utf8').catch(() => null);
  try {
    const r = await shell().exec(['cat', '--', output.path], { sudo: output.sudo, timeoutMs: REMOTE_TIMEOUT_MS });
    return r.code === 0 ? r.stdout : null;
  } catch {
    return null;
  }
}

/** Replaces the output's content; a failure is EDGE_WRITE_FAILED (or the SSH layer's own code). */
export async function writeOutput(output: EdgeOutput, text: string, shell: () => RemoteShell): Promise<void> {
  if (output.kind === 'file') {
    try {
      await writeFileAtomic(output.path, text, 0o644);
    } catch (err) {
      const detail = (err as NodeJS.ErrnoException).code ?? 'write error';
      throw new CoreError('EDGE_WRITE_FAILED', `Could not write ${output.path}: ${detail}`, {
        params: { target: output.path, detail },
        cause: err,
      });
    }
    return;
  }
  const r = await shell().exec(['sh', '-c', REMOTE_WRITE_SCRIPT, 'sh', output.path], {
    sudo: output.sudo,
    stdin: text,
    timeoutMs: REMOTE_TIMEOUT_MS,
  });
  if (r.code !== 0) {
    const detail = lastLine(r.stderr) || `exit ${r.code ?? r.signal ?? '?'}`;
    const target = `${output.host}:${output.path}`;
    throw new CoreError('EDGE_WRITE_FAILED', `Could not write ${target}: ${detail}`, { params: { target, detail } });
  }
}

/** Runs the operator's reload command on the proxy host; a non-zero exit is EDGE_RELOAD_FAILED. */
export async function reloadProxy(output: Extract<EdgeOutput, { kind: 'ssh' }>, shell: () => RemoteShell): Promise<void> {
  if (!output.reload) return;
  const r = await shell().exec(output.reload, { sudo: output.sudo, timeoutMs: REMOTE_TIMEOUT_MS });
  if (r.code !== 0) {
    const detail = lastLine(r.stderr) || lastLine(r.stdout) || `exit ${r.code ?? r.signal ?? '?'}`;
    const command = output.reload.join(' ');
    throw new CoreError('EDGE_RELOAD_FAILED', `${command} failed on ${output.host}: ${detail}`, {
      params: { host: output.host, command, detail },
    });
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines.at(-1) ?? '').slice(0, 300);
}
