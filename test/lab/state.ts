// Lab state on disk (/run/swarmdeck-lab/labs/<id>/state.json), so that a lab started by the
// CLI can be listed and taken down from another process, plus the lock that serialises
// starting/stopping the shared outer daemon and handing out network slots.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LabError, alive, sleep } from './exec.js';
import { LABS_DIR, LOCK_DIR, MAX_SLOTS, RUN_DIR } from './paths.js';
import type { LabState } from './types.js';

// Long enough for an image build that holds it (CLI `build`), still bounded.
const LOCK_TIMEOUT_MS = 10 * 60_000;

export function labDir(id: string): string {
  return path.join(LABS_DIR, id);
}

function stateFile(id: string): string {
  return path.join(labDir(id), 'state.json');
}

export function readLab(id: string): LabState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(id), 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

export function saveLab(state: LabState): void {
  mkdirSync(state.dir, { recursive: true, mode: 0o700 });
  const file = stateFile(state.id);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function removeLabDir(id: string): void {
  rmSync(labDir(id), { recursive: true, force: true });
}

/** Ids of every lab with a folder (a folder without state is a lab that failed early). */
export function labIds(): string[] {
  if (!existsSync(LABS_DIR)) return [];
  return readdirSync(LABS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
}

export function listLabs(): LabState[] {
  return labIds()
    .map((id) => readLab(id))
    .filter((s): s is LabState => s !== undefined);
}

/** A lab whose owner died and that was not meant to outlive it (crashed test run). */
export function isStale(s: LabState): boolean {
  return !s.persistent && !alive(s.ownerPid);
}

export function freeSlot(): number {
  const used = new Set(listLabs().map((s) => s.slot));
  for (let slot = 0; slot < MAX_SLOTS; slot++) if (!used.has(slot)) return slot;
  throw new LabError(`all ${MAX_SLOTS} lab slots are in use (npm run lab -- status; npm run lab -- down --all)`);
}

/**
 * Runs fn holding the machine-wide lab lock (a folder: mkdir is atomic). A lock left by a
 * dead process is taken over; waiting is bounded.
 */
export async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
  const pidFile = path.join(LOCK_DIR, 'pid');
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(pidFile, `${process.pid}\n`);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        mkdirSync(RUN_DIR, { recursive: true, mode: 0o755 });
        continue;
      }
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
      } catch {
        /* the owner is between mkdir and writing its pid, or just released */
      }
      if (Number.isInteger(owner) && !alive(owner)) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new LabError(`lab lock ${LOCK_DIR} held by pid ${owner} for over ${LOCK_TIMEOUT_MS / 1000} s`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
    // The last down empties RUN_DIR but for the lock: leave nothing in /run.
    try {
      if (readdirSync(RUN_DIR).length === 0) rmdirSync(RUN_DIR);
    } catch {
      /* in use again, or already gone */
    }
  }
}
