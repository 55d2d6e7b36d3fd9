// The outer Docker: a containerd and a dockerd of the lab's own (own sockets, pidfiles,
// data-root, exec-root, cgroup parent), started on the first `up` and stopped by pid on the
// last `down`. It never touches iptables, IP forwarding or a default bridge, so it cannot
// collide with another Docker on the machine; the lab sets its few rules itself (network.ts).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LabError, alive, run, must, sleep, waitFor } from './exec.js';
import type { RunOptions, RunResult } from './exec.js';
import {
  CGROUP_PARENT,
  CONTAINERD_DIR,
  CONTAINERD_LOG,
  CONTAINERD_PIDFILE,
  CONTAINERD_SOCK,
  DATA_ROOT,
  DOCKERD_LOG,
  LOG_DIR,
  DOCKERD_PIDFILE,
  DOCKER_HOST,
  DOCKER_SOCK,
  EXEC_ROOT,
  RUN_DIR,
} from './paths.js';

/** The engine's own client when installed (same API version as the daemon), else PATH's. */
const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const START_TIMEOUT_MS = 60_000;
const CONTAINERD_CONFIG = path.join(RUN_DIR, 'containerd.toml');
const STOP_TIMEOUT_MS = 45_000;

/** Runs the docker CLI against the lab's daemon. */
export function docker(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(DOCKER_CLI, args, { ...opts, env: dockerEnv(opts.env) });
}

/** Like docker() but rejects unless it exits 0; resolves with stdout. */
export function dockerMust(args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return must(DOCKER_CLI, args, { ...opts, env: dockerEnv(opts.env) });
}

export function dockerCli(): string {
  return DOCKER_CLI;
}

function dockerEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // A private client config dir: the user's ~/.docker (contexts, creds) plays no part.
  return { ...process.env, ...extra, DOCKER_HOST, DOCKER_CONFIG: path.join(RUN_DIR, 'client') };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A pid is ours only if that process still runs our binary with our socket/config. */
function isOurs(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

export function dockerdPid(): number | undefined {
  const pid = readPid(DOCKERD_PIDFILE);
  return pid !== undefined && alive(pid) && isOurs(pid, DOCKER_SOCK) ? pid : undefined;
}

export function containerdPid(): number | undefined {
  const pid = readPid(CONTAINERD_PIDFILE);
  return pid !== undefined && alive(pid) && isOurs(pid, CONTAINERD_CONFIG) ? pid : undefined;
}

async function daemonAnswers(): Promise<boolean> {
  const r = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 10_000 });
  return r.code === 0;
}

/**
 * Paths outside the lab's own folders that dockerd 20.10 and containerd 1.6 create whatever
 * their flags say (shim sockets, plugin discovery, the daemon's trust key). The ones absent
 * before the lab first started a daemon are recorded (in the data-root, which outlives /run)
 * and removed again on the last down.
 */
const SIDE_PATHS = ['/run/containerd/s', '/run/containerd', '/run/docker/plugins', '/run/docker', '/etc/docker/key.json', '/etc/docker'];
const SIDE_RECORD = path.join(DATA_ROOT, 'created-paths.json');

export function createdSidePaths(): string[] {
  try {
    return JSON.parse(readFileSync(SIDE_RECORD, 'utf8')) as string[];
  } catch {
    return [];
  }
}

function recordSidePaths(): void {
  const paths = new Set([...createdSidePaths(), ...SIDE_PATHS.filter((p) => !existsSync(p))]);
  writeFileSync(SIDE_RECORD, `${JSON.stringify([...paths])}\n`);
}

/** Removes the recorded side paths (files; folders only when empty); keeps what remains on record. */
export function removeSidePaths(): void {
  for (const p of createdSidePaths()) {
    try {
      if (statSync(p).isDirectory()) rmdirSync(p);
      else rmSync(p);
    } catch {
      /* gone already, or not empty: someone else uses it now */
    }
  }
  if (existsSync(DATA_ROOT)) writeFileSync(SIDE_RECORD, `${JSON.stringify(createdSidePaths().filter((p) => existsSync(p)))}\n`);
}

/** Starts containerd + dockerd unless they already run. Caller holds the lab lock. */
export async function ensureOuterDocker(): Promise<void> {
  if (dockerdPid() !== undefined && (await daemonAnswers())) return;
  mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
  mkdirSync(CONTAINERD_DIR, { recursive: true, mode: 0o711 });
  mkdirSync(LOG_DIR, { recursive: true, mode: 0o700 });
  mkdirSync(path.join(RUN_DIR, 'client'), { recursive: true, mode: 0o700 });
  // A half-started pair from a crashed run would hold the sockets: end it first.
  await stopOuterDocker();
  recordSidePaths();

  if (containerdPid() === undefined) {
    // An explicit containerd: dockerd 20.10 would otherwise adopt the system's
    // /run/containerd socket if one exists, and share a containerd with another Docker.
    writeFileSync(
      CONTAINERD_CONFIG,
      [
        'version = 2',
        `root = "${path.join(DATA_ROOT, 'containerd')}"`,
        `state = "${path.join(CONTAINERD_DIR, 'state')}"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${CONTAINERD_SOCK}"`,
        '',
      ].join('\n'),
    );
    const pid = spawnDaemon('containerd', ['--config', CONTAINERD_CONFIG], CONTAINERD_LOG);
    writeFileSync(CONTAINERD_PIDFILE, `${pid}\n`);
    await waitFor(
      'the lab containerd socket',
      async () => existsSync(CONTAINERD_SOCK) || (!alive(pid) && fail('containerd', CONTAINERD_LOG)),
      {
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 200,
      },
    );
  }

  const daemonJson = path.join(RUN_DIR, 'daemon.json');
  // Empty on purpose: /etc/docker/daemon.json belongs to the machine's own Docker.
  writeFileSync(daemonJson, '{}\n');
  const pid = spawnDaemon(
    'dockerd',
    [
      `--host=${DOCKER_HOST}`,
      `--pidfile=${DOCKERD_PIDFILE}`,
      `--data-root=${path.join(DATA_ROOT, 'docker')}`,
      `--exec-root=${EXEC_ROOT}`,
      `--config-file=${daemonJson}`,
      `--containerd=${CONTAINERD_SOCK}`,
      '--containerd-namespace=swarmdeck-lab',
      '--containerd-plugins-namespace=swarmdeck-lab-plugins',
      `--cgroup-parent=/${CGROUP_PARENT}`,
      '--exec-opt=native.cgroupdriver=cgroupfs',
      '--storage-driver=overlay2',
      // No docker0, no NAT, no FORWARD policy change, no sysctl change on the workstation.
      '--bridge=none',
      '--iptables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      '--userland-proxy=false',
      '--log-level=warn',
    ],
    DOCKERD_LOG,
  );
  await waitFor(
    'the lab dockerd to answer on ' + DOCKER_SOCK,
    async () => (!alive(pid) ? fail('dockerd', DOCKERD_LOG) : (existsSync(DOCKER_SOCK) && (await daemonAnswers())) || undefined),
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 300 },
  );
}

function fail(name: string, log: string): never {
  let tail = '';
  try {
    tail = readFileSync(log, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    /* no log yet */
  }
  throw new LabError(`${name} exited during start-up; end of ${log}:\n${tail}`);
}

/**
 * The daemons outlive the test that starts them, so they must not keep its per-test folders: a
 * suite with a private keyring sets XDG_RUNTIME_DIR (where runc keeps its state) and TMPDIR to
 * temp folders it deletes afterwards, which broke every later `docker exec` in the lab.
 */
function daemonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['XDG_RUNTIME_DIR', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'DBUS_SESSION_BUS_ADDRESS', 'TMPDIR']) delete env[key];
  return env;
}

function spawnDaemon(cmd: string, args: string[], logFile: string): number {
  // Truncated at each start: one run's log, not an ever-growing file.
  const log = openSync(logFile, 'w');
  try {
    // Own session: the daemon must outlive the CLI's `up` and not get the test's signals.
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log], env: daemonEnv() });
    child.on('error', () => {
      /* reported through the wait below (the process is not alive) */
    });
    child.unref();
    if (child.pid === undefined) throw new LabError(`cannot start ${cmd} (is it installed?)`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

async function stopPid(name: string, pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(pid) && Date.now() < deadline) await sleep(200);
  if (alive(pid)) {
    process.kill(pid, 'SIGKILL');
    await sleep(500);
    if (alive(pid)) throw new LabError(`${name} (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s, even on SIGKILL`);
  }
}

/** Stops dockerd then containerd, each by the pid it recorded. Caller holds the lab lock. */
export async function stopOuterDocker(): Promise<void> {
  await stopPid('dockerd', dockerdPid());
  await stopPid('containerd', containerdPid());
}

/** Every object the outer daemon has with the lab label (any lab, for leak checks). */
export async function listLabObjects(label: string): Promise<{ containers: string[]; volumes: string[]; networks: string[] }> {
  const lines = (s: string): string[] => s.split('\n').filter(Boolean);
  const filter = ['--filter', `label=${label}`];
  return {
    containers: lines(await dockerMust(['ps', '-aq', ...filter])),
    volumes: lines(await dockerMust(['volume', 'ls', '-q', ...filter])),
    networks: lines(await dockerMust(['network', 'ls', '-q', ...filter])),
  };
}
