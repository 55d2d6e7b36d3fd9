import { CoreError } from '../errors.js';
import type { ExecOptions, ExecResult } from '../ssh/remote-exec.js';

/** Where dockerd reads its configuration unless started with `--config-file`. */
export const DAEMON_JSON = '/etc/docker/daemon.json';
const KEY = 'insecure-registries';
const REMOTE_TIMEOUT_MS = 30_000;
/** The read script's exit status for "there is no file" (cat's own 1 also covers unreadable). */
const ABSENT = 44;
/** The write script's exit status for "dockerd --validate refused the new file". */
const INVALID = 45;

export type DaemonJsonMerge = { ok: true; changed: boolean; text: string } | { ok: false; reason: string };

/**
 * `endpoint` added to `insecure-registries` in a daemon.json's text (null: no
 * file). Every other key keeps its value and place, the list keeps its entries
 * and order; the file's own indentation is kept. Text dockerd would refuse is
 * refused here too, so nothing is written over a file the operator must fix.
 */
export function mergeInsecureRegistry(current: string | null, endpoint: string): DaemonJsonMerge {
  // dockerd skips a UTF-8 byte order mark and takes an empty file as no settings.
  const source = (current ?? '').replace(/^\uFEFF/, '');
  let parsed: unknown = {};
  if (source.trim() !== '') {
    try {
      parsed = JSON.parse(source);
    } catch (err) {
      return { ok: false, reason: `it is not valid JSON (${(err as Error).message})` };
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: 'it is not a JSON object' };
  }
  const config = parsed as Record<string, unknown>;
  const list = config[KEY];
  if (list !== undefined && (!Array.isArray(list) || !list.every((e) => typeof e === 'string'))) {
    return { ok: false, reason: `its "${KEY}" is not a list of strings` };
  }
  const entries = (list ?? []) as string[];
  if (entries.some((e) => sameRegistry(e, endpoint))) return { ok: true, changed: false, text: current ?? '' };
  // Assigning to an existing key keeps its place; a new key goes last.
  config[KEY] = [...entries, endpoint];
  return { ok: true, changed: true, text: `${JSON.stringify(config, null, indentOf(source))}\n` };
}

/** The endpoint as dockerd takes it in `insecure-registries`: host or [IPv6] with an optional port, nothing else. */
export function validEndpoint(endpoint: string): boolean {
  return /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(endpoint);
}

/**
 * What the running dockerd's command line says about its configuration: the
 * file it reads, and whether `--insecure-registry` flags are set (dockerd then
 * refuses to start with the same key in the file).
 */
export function daemonArgs(args: string): { configFile: string; flagConflict: boolean } {
  const words = args.trim().split(/\s+/);
  let configFile = DAEMON_JSON;
  let flagConflict = false;
  words.forEach((word, i) => {
    if (word === '--config-file' && words[i + 1]) configFile = words[i + 1]!;
    else if (word.startsWith('--config-file=')) configFile = word.slice('--config-file='.length);
    else if (word === '--insecure-registry' || word.startsWith('--insecure-registry=')) flagConflict = true;
  });
  return { configFile, flagConflict };
}

/** `20261128T095335Z`: sorts by time and is safe in a file name. */
export function backupStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function sameRegistry(entry: string, endpoint: string): boolean {
  const bare = (s: string): string =>
    s
      .trim()
      .replace(/^https?:\/\//i, '')
      .replace(/\/+$/, '')
      .toLowerCase();
  return bare(entry) === bare(endpoint);
}

function indentOf(text: string): string | number {
  const indent = /\n([ \t]+)"/.exec(text)?.[1];
  return indent ?? 2;
}

// ---- On the node, over its SSH link ----

/** What runs a command on one node (a PlanHostHandle). */
export interface NodeShell {
  alias: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

export interface NodeDaemonJson {
  path: string;
  /** null: the file does not exist. */
  text: string | null;
}

/** The running dockerd's config file and its text; CoreError REGISTRY_REFUSED when the node cannot take the key in a file. */
export async function readDaemonJson(shell: NodeShell): Promise<NodeDaemonJson> {
  // No dockerd running (or no `ps`) leaves the default path, which is what a start would read.
  const ps = await shell.exec(['ps', '-C', 'dockerd', '-o', 'args='], { timeoutMs: REMOTE_TIMEOUT_MS });
  const { configFile, flagConflict } = daemonArgs(ps.code === 0 ? ps.stdout : '');
  if (flagConflict) {
    throw refused(`dockerd on ${shell.alias} is started with --insecure-registry flags, so it would refuse the same key in ${configFile}`);
  }
  const read = await shell.exec(['sh', '-c', `test -e "$1" || exit ${ABSENT}; cat -- "$1"`, 'sh', configFile], {
    sudo: true,
    timeoutMs: REMOTE_TIMEOUT_MS,
  });
  if (read.code === ABSENT) return { path: configFile, text: null };
  if (read.code !== 0) throw refused(`${configFile} on ${shell.alias} cannot be read: ${lastLine(read.stderr) || `exit ${read.code}`}`);
  return { path: configFile, text: read.stdout };
}

/**
 * Replaces the file atomically (a temp file beside it, then `mv`), after a
 * one-time backup of the original: `<file>.swarmdeck-backup-<stamp>`, or an
 * empty `…-<stamp>-absent` when there was none, so a later change never takes
 * the app's own file for the original. Where dockerd has `--validate` (23+),
 * the new file is checked before it replaces the old one.
 */
export async function writeDaemonJson(shell: NodeShell, path: string, text: string, stamp: string): Promise<void> {
  const script = [
    'set -e',
    'f=$1',
    'dir=$(dirname -- "$f")',
    'mkdir -p -- "$dir"',
    'set -- "$f".swarmdeck-backup-*',
    'if [ ! -e "$1" ]; then',
    `  if [ -e "$f" ]; then cp -p -- "$f" "$f.swarmdeck-backup-$STAMP"; else : > "$f.swarmdeck-backup-$STAMP-absent"; fi`,
    'fi',
    'tmp=$(mktemp "$dir/.swarmdeck-daemon.XXXXXX")',
    `trap 'rm -f -- "$tmp"' EXIT`,
    'cat > "$tmp"',
    'chmod --reference="$f" "$tmp" 2>/dev/null || chmod 644 "$tmp"',
    "if dockerd --help 2>/dev/null | grep -q -- '--validate'; then",
    `  dockerd --validate --config-file "$tmp" >&2 || exit ${INVALID}`,
    'fi',
    'mv -f -- "$tmp" "$f"',
    'trap - EXIT',
  ].join('\n');
  // The stamp goes in as an argument too (never interpolated into the script): `sh -c SCRIPT sh FILE STAMP`.
  const r = await shell.exec(['sh', '-c', `STAMP=$2\n${script}`, 'sh', path, stamp], {
    sudo: true,
    stdin: text,
    timeoutMs: REMOTE_TIMEOUT_MS,
  });
  if (r.code === 0) return;
  const detail =
    r.code === INVALID
      ? `dockerd --validate refused the new file: ${lastLine(r.stderr)}`
      : lastLine(r.stderr) || `exit ${r.code ?? r.signal ?? '?'}`;
  throw new CoreError('REGISTRY_FAILED', `Could not write ${path} on ${shell.alias}: ${detail}`, {
    params: { step: 'daemon-json', detail: `${shell.alias}: ${detail}` },
  });
}

export function refused(reason: string): CoreError {
  return new CoreError('REGISTRY_REFUSED', `The registry cannot be deployed like this: ${reason}`, { params: { reason } });
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines.at(-1) ?? '').slice(0, 300);
}
